//! all-MiniLM-L6-v2 with candle: tokenise, run BERT, mean-pool over real tokens, L2-normalise.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config, DTYPE};
use tokenizers::{PaddingParams, PaddingStrategy, Tokenizer, TruncationParams};

use crate::EmbedError;

/// Longest input in tokens: a title and the opening of a description. Cost grows with
/// it, and 64 tokens keep the meaning-bearing start.
const MAX_TOKENS: usize = 64;
/// Texts per forward pass: bounds memory and padding waste.
const BATCH: usize = 64;
/// Forward passes run at once, at most (one per core below that).
const MAX_WORKERS: usize = 4;

/// all-MiniLM-L6-v2 on the CPU.
pub struct MiniLm {
    model: BertModel,
    tokenizer: Tokenizer,
    device: Device,
}

impl std::fmt::Debug for MiniLm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MiniLm(all-MiniLM-L6-v2)")
    }
}

fn err(e: impl std::fmt::Display) -> EmbedError {
    EmbedError::Model(e.to_string())
}

impl MiniLm {
    /// Loads `config.json`, `tokenizer.json` and `model.safetensors` from `dir`.
    pub fn load(dir: &Path) -> Result<Self, EmbedError> {
        let file = |name: &str| {
            let p = dir.join(name);
            if p.is_file() {
                Ok(p)
            } else {
                Err(EmbedError::Missing(p))
            }
        };
        let config: Config =
            serde_json::from_str(&std::fs::read_to_string(file("config.json")?).map_err(err)?)
                .map_err(err)?;
        let device = Device::Cpu;
        // SAFETY: the weights file is memory-mapped read-only and not modified while
        // the model lives (it sits in a directory only the fetch script writes).
        let vb = unsafe {
            VarBuilder::from_mmaped_safetensors(&[file("model.safetensors")?], DTYPE, &device)
                .map_err(err)?
        };
        let model = BertModel::load(vb, &config).map_err(err)?;
        let mut tokenizer = Tokenizer::from_file(file("tokenizer.json")?).map_err(err)?;
        tokenizer.with_padding(Some(PaddingParams {
            strategy: PaddingStrategy::BatchLongest,
            ..Default::default()
        }));
        tokenizer
            .with_truncation(Some(TruncationParams {
                max_length: MAX_TOKENS,
                ..Default::default()
            }))
            .map_err(err)?;
        Ok(MiniLm {
            model,
            tokenizer,
            device,
        })
    }

    /// Embeds texts; errors are returned, not hidden.
    ///
    /// Texts run in batches of similar length, since a batch is padded to its longest
    /// text: in arrival order, titles share batches with long descriptions and most of
    /// the work is padding. Batches go to one worker per core, because the matrix
    /// products are parallel but the layers between them (GELU, softmax, layer norm)
    /// are not. On 2 cores the two took 1,024 Iceberg texts from 33 a second to 110,
    /// and the demo's longer texts from 26 to 53 (`examples/embed_speed.rs`).
    pub fn try_embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
        let mut order: Vec<usize> = (0..texts.len()).collect();
        order.sort_by_key(|&i| texts[i].len());
        let batches: Vec<&[usize]> = order.chunks(BATCH).collect();
        let workers = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .clamp(1, MAX_WORKERS)
            .min(batches.len());
        let next = AtomicUsize::new(0);
        // Each worker returns (text index, vector) pairs for the batches it took.
        let run = || -> Result<Vec<(usize, Vec<f32>)>, EmbedError> {
            let mut done = Vec::new();
            while let Some(chunk) = batches.get(next.fetch_add(1, Ordering::Relaxed)) {
                let batch: Vec<&str> = chunk.iter().map(|&i| texts[i]).collect();
                done.extend(chunk.iter().copied().zip(self.embed_batch(&batch)?));
            }
            Ok(done)
        };
        let results = std::thread::scope(|s| {
            let handles: Vec<_> = (0..workers).map(|_| s.spawn(run)).collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join().unwrap_or_else(|_| {
                        Err(EmbedError::Model("an embedding worker failed".into()))
                    })
                })
                .collect::<Vec<_>>()
        });
        let mut out = vec![Vec::new(); texts.len()];
        for done in results {
            for (i, v) in done? {
                out[i] = v;
            }
        }
        Ok(out)
    }

    /// One forward pass over at most [`BATCH`] texts.
    fn embed_batch(&self, chunk: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
        // Empty strings would give an all-padding row; a space keeps [CLS]/[SEP].
        let inputs: Vec<&str> = chunk
            .iter()
            .map(|t| if t.trim().is_empty() { " " } else { *t })
            .collect();
        let enc = self.tokenizer.encode_batch(inputs, true).map_err(err)?;
        let ids: Vec<Tensor> = enc
            .iter()
            .map(|e| Tensor::new(e.get_ids(), &self.device))
            .collect::<Result<_, _>>()
            .map_err(err)?;
        let masks: Vec<Tensor> = enc
            .iter()
            .map(|e| Tensor::new(e.get_attention_mask(), &self.device))
            .collect::<Result<_, _>>()
            .map_err(err)?;
        let ids = Tensor::stack(&ids, 0).map_err(err)?;
        let mask = Tensor::stack(&masks, 0).map_err(err)?;
        let type_ids = ids.zeros_like().map_err(err)?;
        let hidden = self
            .model
            .forward(&ids, &type_ids, Some(&mask))
            .map_err(err)?;
        // Mean over real tokens only (padding excluded), then unit length.
        let m = mask
            .to_dtype(DType::F32)
            .and_then(|m| m.unsqueeze(2))
            .map_err(err)?;
        let summed = hidden
            .broadcast_mul(&m)
            .and_then(|h| h.sum(1))
            .map_err(err)?;
        let counts = m.sum(1).map_err(err)?;
        let mean = summed.broadcast_div(&counts).map_err(err)?;
        let norm = mean
            .sqr()
            .and_then(|s| s.sum_keepdim(1))
            .and_then(|s| s.sqrt())
            .map_err(err)?;
        let unit = mean.broadcast_div(&norm).map_err(err)?;
        unit.to_vec2::<f32>().map_err(err)
    }
}

impl throughline_sense::Embedder for MiniLm {
    /// On a model error every vector is empty; the engine then scores semantic
    /// similarity as 0 (lexical signals still decide).
    fn embed(&self, texts: &[&str]) -> Vec<Vec<f32>> {
        self.try_embed(texts)
            .unwrap_or_else(|_| texts.iter().map(|_| Vec::new()).collect())
    }

    fn name(&self) -> &str {
        "all-MiniLM-L6-v2"
    }
}
