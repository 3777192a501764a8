//! Memory that stays bounded however long the mock runs: the newest entries are kept, the oldest
//! forgotten.

use std::borrow::Borrow;
use std::collections::{HashMap, VecDeque};
use std::hash::Hash;

/// What an item of a history costs in memory: its own size and the heap it owns, in bytes.
pub(crate) trait Weigh {
    fn weight(&self) -> usize;
}

/// The newest items, at most `max_entries` of them and at most `max_bytes` bytes by their
/// [`Weigh::weight`]: a mock left running keeps its memory bounded whatever the size of what
/// it is sent.
pub(crate) struct History<T> {
    items: VecDeque<(T, usize)>,
    bytes: usize,
    max_entries: usize,
    max_bytes: usize,
}

impl<T: Weigh> History<T> {
    pub(crate) fn new(max_entries: usize, max_bytes: usize) -> Self {
        Self {
            items: VecDeque::new(),
            bytes: 0,
            max_entries,
            max_bytes,
        }
    }

    /// Appends an item, forgetting the oldest ones until both bounds hold; an item heavier
    /// than the whole byte bound is not kept.
    pub(crate) fn push(&mut self, item: T) {
        let weight = item.weight();
        if weight > self.max_bytes || self.max_entries == 0 {
            return;
        }
        while self.items.len() >= self.max_entries || self.bytes + weight > self.max_bytes {
            let Some((_, forgotten)) = self.items.pop_front() else {
                break;
            };
            self.bytes -= forgotten;
        }
        self.bytes += weight;
        self.items.push_back((item, weight));
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &T> {
        self.items.iter().map(|(item, _)| item)
    }

    /// The bytes the items kept weigh.
    pub(crate) fn bytes(&self) -> usize {
        self.bytes
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.items.len()
    }
}

/// A map that keeps its newest `limit` keys, in the order they were first inserted.
pub(crate) struct NewestMap<K, V> {
    entries: HashMap<K, V>,
    order: VecDeque<K>,
    limit: usize,
}

impl<K: Eq + Hash + Clone, V> NewestMap<K, V> {
    pub(crate) fn new(limit: usize) -> Self {
        NewestMap {
            entries: HashMap::new(),
            order: VecDeque::new(),
            limit: limit.max(1),
        }
    }

    pub(crate) fn get<Q: Hash + Eq + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        self.entries.get(key)
    }

    pub(crate) fn get_mut<Q: Hash + Eq + ?Sized>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
    {
        self.entries.get_mut(key)
    }

    pub(crate) fn contains_key<Q: Hash + Eq + ?Sized>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.entries.contains_key(key)
    }

    pub(crate) fn values(&self) -> impl Iterator<Item = &V> {
        self.entries.values()
    }

    /// Inserts or replaces; a new key beyond the limit forgets the oldest entry, returned.
    pub(crate) fn insert(&mut self, key: K, value: V) -> Option<(K, V)> {
        if let Some(slot) = self.entries.get_mut(&key) {
            *slot = value;
            return None;
        }
        let forgotten = if self.entries.len() >= self.limit {
            self.order
                .pop_front()
                .and_then(|oldest| self.entries.remove_entry(&oldest))
        } else {
            None
        };
        self.order.push_back(key.clone());
        self.entries.insert(key, value);
        forgotten
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_newest_keys_and_says_which_it_forgot() {
        let mut map = NewestMap::new(2);
        assert_eq!(map.insert("a", 1), None);
        assert_eq!(map.insert("b", 2), None);
        assert_eq!(map.insert("a", 10), None, "replacing keeps the key's age");
        assert_eq!(map.insert("c", 3), Some(("a", 10)));
        assert_eq!(map.get(&"a"), None);
        assert_eq!((map.get(&"b"), map.get(&"c")), (Some(&2), Some(&3)));
        assert_eq!(map.insert("d", 4), Some(("b", 2)));
        let mut values: Vec<_> = map.values().copied().collect();
        values.sort();
        assert_eq!(values, [3, 4]);
    }

    impl Weigh for String {
        fn weight(&self) -> usize {
            self.len()
        }
    }

    fn kept(history: &History<String>) -> Vec<&str> {
        history.iter().map(String::as_str).collect()
    }

    #[test]
    fn a_history_keeps_its_newest_items() {
        let mut history = History::new(3, usize::MAX);
        for i in 0..5 {
            history.push(i.to_string());
        }
        assert_eq!(kept(&history), ["2", "3", "4"]);
    }

    #[test]
    fn a_history_keeps_within_its_bytes() {
        let mut history = History::new(100, 10);
        history.push("aaaa".into());
        history.push("bbbb".into());
        assert_eq!((kept(&history), history.bytes()), (vec!["aaaa", "bbbb"], 8));
        // 8 + 4 > 10: the oldest goes.
        history.push("cccc".into());
        assert_eq!((kept(&history), history.bytes()), (vec!["bbbb", "cccc"], 8));
        // Heavier than the whole bound: not kept, and nothing forgotten for it.
        history.push("x".repeat(11));
        assert_eq!(kept(&history), ["bbbb", "cccc"]);
        // Exactly the bound: everything older goes.
        history.push("y".repeat(10));
        assert_eq!((history.len(), history.bytes()), (1, 10));
    }
}
