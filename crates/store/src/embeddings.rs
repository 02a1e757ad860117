//! A cache of sentence embeddings, so that semantic mode embeds each text once.
//!
//! Embedding is the slow part of semantic mode (tens of texts a second on a laptop CPU),
//! and the engine re-trains on every linked item at each `align`. Vectors are keyed by
//! the embedding model's name and a stable hash of the exact text embedded, not by item:
//! an edited item gets a new text and so a new vector, and the old one is simply unused.

use std::collections::HashMap;

use rusqlite::params;

use crate::{Result, Store, StoreError};

/// A stable 64-bit hash (FNV-1a) of a text, the cache key of its embedding.
pub fn text_hash(text: &str) -> i64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in text.as_bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h as i64
}

pub(crate) fn to_blob(v: &[f32]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

pub(crate) fn from_blob(b: &[u8]) -> Result<Vec<f32>> {
    if !b.len().is_multiple_of(4) {
        return Err(StoreError::Corrupt {
            what: "embedding",
            detail: format!("{} bytes is not a whole number of floats", b.len()),
        });
    }
    Ok(b.chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect())
}

impl Store {
    /// Every cached vector of `model`, by text hash.
    pub fn embeddings(&self, model: &str) -> Result<HashMap<i64, Vec<f32>>> {
        let conn = crate::sqlite_or!(self, |pg| pg.embeddings(model));
        let mut stmt =
            conn.prepare_cached("SELECT text_hash, vector FROM embeddings WHERE model = ?1")?;
        let mut rows = stmt.query(params![model])?;
        let mut out = HashMap::new();
        while let Some(r) = rows.next()? {
            let blob: Vec<u8> = r.get(1)?;
            out.insert(r.get(0)?, from_blob(&blob)?);
        }
        Ok(out)
    }

    /// Stores vectors of `model` by text hash, in one transaction.
    pub fn put_embeddings(&mut self, model: &str, vectors: &[(i64, Vec<f32>)]) -> Result<()> {
        let conn = crate::sqlite_or_mut!(self, |pg| pg.put_embeddings(model, vectors));
        let tx = crate::report_cache::write(conn)?;
        {
            let mut stmt = tx.prepare(
                "INSERT OR REPLACE INTO embeddings (model, text_hash, vector) VALUES (?1, ?2, ?3)",
            )?;
            for (h, v) in vectors {
                stmt.execute(params![model, h, to_blob(v)])?;
            }
        }
        tx.commit()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vectors_survive_a_reopen_and_models_stay_apart() {
        crate::testing::each_db(|db| {
            let h = text_hash("Fix the checkout page");
            assert_ne!(h, text_hash("Fix the checkout pages"));
            {
                let mut s = db.open();
                s.put_embeddings("m1", &[(h, vec![0.5, -1.25, 3.0])])
                    .unwrap();
                s.put_embeddings("m2", &[(h, vec![9.0])]).unwrap();
            }
            let s = db.open();
            assert_eq!(s.embeddings("m1").unwrap()[&h], vec![0.5, -1.25, 3.0]);
            assert_eq!(s.embeddings("m2").unwrap()[&h], vec![9.0]);
            assert!(s.embeddings("m3").unwrap().is_empty());
        });
    }
}
