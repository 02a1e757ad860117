//! The real model, when built with `minilm` and fetched; skips otherwise.

#[cfg(feature = "minilm")]
#[test]
fn similar_sentences_are_closer() {
    use throughline_embed::{MiniLm, default_model_dir};
    use throughline_sense::Embedder;
    let Ok(m) = MiniLm::load(&default_model_dir()) else {
        eprintln!("SKIP: model not fetched (crates/embed/scripts/fetch-model.sh)");
        return;
    };
    let v = m.embed(&[
        "Redesign the checkout payment page",
        "New credit card form at checkout",
        "Push notifications on Android",
        "",
    ]);
    assert_eq!(v.len(), 4);
    assert!(v.iter().all(|e| e.len() == 384));
    let dot = |a: &[f32], b: &[f32]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f32>();
    assert!((dot(&v[0], &v[0]) - 1.0).abs() < 1e-3);
    assert!(dot(&v[0], &v[1]) > dot(&v[0], &v[2]) + 0.1);
}

#[cfg(not(feature = "minilm"))]
#[test]
fn without_the_feature_loading_says_so() {
    let e = throughline_embed::MiniLm::load(&throughline_embed::default_model_dir()).unwrap_err();
    assert!(matches!(e, throughline_embed::EmbedError::FeatureDisabled));
}
