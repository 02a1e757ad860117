//! TF-IDF weighting over the hashed features: sublinear term frequency, smoothed inverse
//! document frequency and per-block L2 normalisation.
//!
//! The vocabulary is the set of buckets seen while training; each gets a compact index
//! so that weight matrices stay as small as the organisation's vocabulary, and a look-up
//! is one array access (no hash map on the hot path).

use crate::features::{BLOCKS, BUCKETS, Block, Raw};

/// A sparse vector: sorted compact indices and their values.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct SparseVec {
    pub idx: Vec<u32>,
    pub val: Vec<f32>,
}

impl SparseVec {
    /// Dot product of two sparse vectors (both sorted).
    pub fn dot(&self, other: &SparseVec) -> f32 {
        let (mut i, mut j, mut s) = (0, 0, 0.0);
        while i < self.idx.len() && j < other.idx.len() {
            match self.idx[i].cmp(&other.idx[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    s += self.val[i] * other.val[j];
                    i += 1;
                    j += 1;
                }
            }
        }
        s
    }

    /// Squared L2 norm.
    pub fn norm2(&self) -> f32 {
        self.val.iter().map(|v| v * v).sum()
    }
}

/// Relative weights of the feature blocks (words, chars, meta) after normalisation.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BlockWeights(pub [f32; BLOCKS]);

/// The fitted vocabulary and its IDF weights.
#[derive(Debug, Clone)]
pub(crate) struct Vocabulary {
    /// Bucket -> compact index + 1 (0 = unseen). `u32` keeps the table at 16 MiB.
    table: Vec<u32>,
    idf: Vec<f32>,
    block: Vec<u8>,
    weights: BlockWeights,
    unknown_idf: f32,
}

impl Vocabulary {
    /// Fits the vocabulary on the documents' raw features.
    pub fn fit<'a>(docs: impl Iterator<Item = &'a [Raw]>, weights: BlockWeights) -> Self {
        let mut table = vec![0u32; BUCKETS];
        let mut df: Vec<u32> = Vec::new();
        let mut block: Vec<u8> = Vec::new();
        let mut last_doc: Vec<u32> = Vec::new();
        let mut n_docs = 0u32;
        for doc in docs {
            n_docs += 1;
            for r in doc {
                let slot = &mut table[r.bucket as usize];
                if *slot == 0 {
                    df.push(0);
                    block.push(r.block as u8);
                    last_doc.push(0);
                    *slot = df.len() as u32;
                }
                let i = (*slot - 1) as usize;
                // Count each feature once per document.
                if last_doc[i] != n_docs {
                    last_doc[i] = n_docs;
                    df[i] += 1;
                }
            }
        }
        let n = n_docs as f32;
        let idf = df
            .iter()
            .map(|&d| ((1.0 + n) / (1.0 + d as f32)).ln() + 1.0)
            .collect();
        Vocabulary {
            table,
            idf,
            block,
            weights,
            unknown_idf: (1.0 + n).ln() + 1.0,
        }
    }

    /// Number of features in the vocabulary.
    pub fn len(&self) -> usize {
        self.idf.len()
    }

    /// Compact index of a bucket, if it was seen in training.
    #[inline]
    pub fn index(&self, bucket: u32) -> Option<u32> {
        match self.table[bucket as usize] {
            0 => None,
            i => Some(i - 1),
        }
    }

    /// Weighted, normalised vector of a document; `buf` is scratch space. Returns the
    /// document's evidence: the share (0..=1, as a root of squared mass) of its word
    /// features that training has seen; 0 when it has no words.
    pub fn transform(&self, raw: &[Raw], buf: &mut Vec<u32>, out: &mut SparseVec) -> f32 {
        buf.clear();
        // Words never seen in training still count towards the norm (at the highest
        // IDF): an item made mostly of unknown words should carry little evidence, not
        // have its one known n-gram blown up to a unit vector.
        let mut norms = [0f32; BLOCKS];
        let mut unknown_words = 0f32;
        for r in raw {
            match self.index(r.bucket) {
                Some(i) => buf.push(i),
                None => {
                    let m = self.unknown_idf * self.unknown_idf;
                    norms[r.block as usize] += m;
                    if r.block == Block::Word {
                        unknown_words += m;
                    }
                }
            }
        }
        buf.sort_unstable();
        out.idx.clear();
        out.val.clear();
        let mut i = 0;
        while i < buf.len() {
            let f = buf[i];
            let mut j = i + 1;
            while j < buf.len() && buf[j] == f {
                j += 1;
            }
            let tf = (j - i) as f32;
            // Sublinear tf: the tenth mention of a word says less than the first.
            let v = (1.0 + tf.ln()) * self.idf[f as usize];
            norms[self.block[f as usize] as usize] += v * v;
            out.idx.push(f);
            out.val.push(v);
            i = j;
        }
        let scale: Vec<f32> = norms
            .iter()
            .zip(self.weights.0)
            .map(|(&n, w)| if n > 0.0 { w / n.sqrt() } else { 0.0 })
            .collect();
        for (k, v) in out.val.iter_mut().enumerate() {
            *v *= scale[self.block[out.idx[k] as usize] as usize];
        }
        let words = norms[Block::Word as usize];
        if words > 0.0 {
            ((words - unknown_words) / words).max(0.0).sqrt()
        } else {
            0.0
        }
    }

    /// The block of a compact feature.
    #[allow(dead_code)]
    pub fn block_of(&self, idx: u32) -> Block {
        match self.block[idx as usize] {
            0 => Block::Word,
            1 => Block::Char,
            _ => Block::Meta,
        }
    }
}
