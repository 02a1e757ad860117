//! TF-IDF weighting over the hashed features: sublinear term frequency, smoothed inverse
//! document frequency and per-block L2 normalisation. Features that nearly every
//! document has are left out.
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

/// Table mark of a feature left out because nearly every document has it.
const DROPPED: u32 = u32::MAX;

/// A feature in more than this share of the documents is left out. It cannot tell
/// targets apart, yet smoothed IDF still weighs it 1: a field every item shares (one
/// project, one type, as in a single-project export) took a share of each short item's
/// norm, and was named as a reason ("type pull_request"). On Iceberg imported from
/// GitHub, top-3 went from 0.838 to 0.843 (the JSON Lines import's figure) when they
/// were left out; Iceberg, the story-point projects and the demo otherwise give the
/// same figures with or without this.
const MAX_DF: f32 = 0.95;

/// Below this many documents a share says too little to leave a feature out.
const MIN_DOCS_TO_DROP: u32 = 50;

/// Relative weights of the feature blocks (words, chars, meta) after normalisation.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BlockWeights(pub [f32; BLOCKS]);

/// The fitted vocabulary and its IDF weights.
#[derive(Debug, Clone)]
pub(crate) struct Vocabulary {
    /// Bucket -> compact index + 1 (0 = unseen, [`DROPPED`] = left out). `u32` keeps
    /// the table at 16 MiB.
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
        let mut bucket_of: Vec<u32> = Vec::new();
        let mut n_docs = 0u32;
        for doc in docs {
            n_docs += 1;
            for r in doc {
                let slot = &mut table[r.bucket as usize];
                if *slot == 0 {
                    df.push(0);
                    block.push(r.block as u8);
                    last_doc.push(0);
                    bucket_of.push(r.bucket);
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
        let mut idf = Vec::with_capacity(df.len());
        let mut kept_block = Vec::with_capacity(df.len());
        for (i, &d) in df.iter().enumerate() {
            let slot = &mut table[bucket_of[i] as usize];
            if n_docs >= MIN_DOCS_TO_DROP && d as f32 > MAX_DF * n {
                *slot = DROPPED;
            } else {
                idf.push(((1.0 + n) / (1.0 + d as f32)).ln() + 1.0);
                kept_block.push(block[i]);
                *slot = idf.len() as u32;
            }
        }
        let block = kept_block;
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
            0 | DROPPED => None,
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
            match self.table[r.bucket as usize] {
                DROPPED => {}
                0 => {
                    let m = self.unknown_idf * self.unknown_idf;
                    norms[r.block as usize] += m;
                    if r.block == Block::Word {
                        unknown_words += m;
                    }
                }
                i => buf.push(i - 1),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(bucket: u32, block: Block) -> Raw {
        Raw { bucket, block }
    }

    /// `n` documents: a word all share (bucket 1), a word half of them have (bucket 2)
    /// and a word of their own (100 + k).
    fn docs(n: u32) -> Vec<Vec<Raw>> {
        (0..n)
            .map(|k| {
                let mut d = vec![raw(1, Block::Word), raw(100 + k, Block::Word)];
                if k % 2 == 0 {
                    d.push(raw(2, Block::Word));
                }
                d
            })
            .collect()
    }

    fn fit(docs: &[Vec<Raw>]) -> Vocabulary {
        Vocabulary::fit(
            docs.iter().map(Vec::as_slice),
            BlockWeights([1.0, 1.0, 1.0]),
        )
    }

    #[test]
    fn a_feature_every_document_has_is_left_out_and_weighs_nothing() {
        let v = fit(&docs(100));
        assert_eq!(v.index(1), None, "the shared word is left out");
        assert!(v.index(2).is_some(), "a word half the documents have stays");
        let (mut buf, mut with, mut without) =
            (Vec::new(), SparseVec::default(), SparseVec::default());
        let e_with = v.transform(
            &[raw(1, Block::Word), raw(2, Block::Word)],
            &mut buf,
            &mut with,
        );
        let e_without = v.transform(&[raw(2, Block::Word)], &mut buf, &mut without);
        assert_eq!(with, without, "a left-out feature changes nothing");
        // Left out is not unknown: it does not lower the item's evidence.
        assert_eq!(e_with, 1.0);
        assert_eq!(e_without, 1.0);
    }

    #[test]
    fn few_documents_keep_every_feature() {
        let v = fit(&docs(10));
        assert!(v.index(1).is_some());
        assert_eq!(v.len(), 12);
    }
}
