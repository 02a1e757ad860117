//! A stable content hash (FNV-1a, 64 bit). Stable across Rust versions and platforms,
//! unlike `std`'s `DefaultHasher`, because it is stored in the database.

use throughline_model::WorkItem;

struct Fnv(u64);

impl Fnv {
    fn bytes(&mut self, b: &[u8]) {
        for &x in b {
            self.0 ^= u64::from(x);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
        // Field separator so ("ab","c") and ("a","bc") differ.
        self.0 ^= 0xff;
        self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
    }

    fn opt(&mut self, s: &Option<String>) {
        match s {
            Some(s) => self.bytes(s.as_bytes()),
            None => self.bytes(&[0xfe]),
        }
    }
}

pub(crate) fn content_hash(item: &WorkItem) -> i64 {
    let mut h = Fnv(0xcbf2_9ce4_8422_2325);
    h.bytes(item.title.as_bytes());
    h.bytes(item.description.as_bytes());
    for o in [
        &item.url,
        &item.item_type,
        &item.status,
        &item.parent_key,
        &item.epic_key,
        &item.project,
        &item.team,
        &item.assignee,
        &item.sprint,
    ] {
        h.opt(o);
    }
    for l in item
        .labels
        .iter()
        .chain([&String::new()])
        .chain(&item.components)
    {
        h.bytes(l.as_bytes());
    }
    h.bytes(item.status_category.as_str().as_bytes());
    h.bytes(&item.estimate.map_or(u64::MAX, f64::to_bits).to_le_bytes());
    for t in [item.created, item.started, item.resolved] {
        h.bytes(&t.map_or(i64::MIN, |t| t.timestamp_millis()).to_le_bytes());
    }
    // Hashed only when there is one, so the items stored before areas were kept (none
    // has one) hash as they did: an upgrade must not make every item look changed.
    if let Some(area) = &item.area_path {
        h.bytes(area.as_bytes());
    }
    h.0 as i64
}
