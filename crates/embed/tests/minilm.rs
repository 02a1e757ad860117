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

/// Texts are batched by length and the batches run on several workers; every vector
/// must still come back in its text's place, and padding must not change it.
#[cfg(feature = "minilm")]
#[test]
fn vectors_keep_their_texts_order_across_batches_and_workers() {
    use throughline_embed::{MiniLm, default_model_dir};
    use throughline_sense::Embedder;
    let Ok(m) = MiniLm::load(&default_model_dir()) else {
        eprintln!("SKIP: model not fetched (crates/embed/scripts/fetch-model.sh)");
        return;
    };
    // 150 texts (three batches) of lengths that do not follow their order.
    let topics = [
        "checkout payments",
        "android push",
        "search ranking",
        "billing export",
    ];
    let texts: Vec<String> = (0..150)
        .map(|i| {
            let words = (i * 37) % 23 + 1;
            let topic = topics[i % topics.len()];
            format!("{topic} {}", "and more detail ".repeat(words))
        })
        .collect();
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let together = m.embed(&refs);
    assert_eq!(together.len(), texts.len());
    let dot = |a: &[f32], b: &[f32]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f32>();
    for i in [0, 1, 63, 64, 65, 100, 149] {
        let alone = m.embed(&[refs[i]]);
        assert!(
            dot(&together[i], &alone[0]) > 0.9999,
            "text {i} got another text's vector or padding changed it"
        );
    }
    // And neighbours in the input with different topics really differ.
    assert!(dot(&together[0], &together[1]) < 0.99);
}

#[cfg(not(feature = "minilm"))]
#[test]
fn without_the_feature_loading_says_so() {
    let e = throughline_embed::MiniLm::load(&throughline_embed::default_model_dir()).unwrap_err();
    assert!(matches!(e, throughline_embed::EmbedError::FeatureDisabled));
}
