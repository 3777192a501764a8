//! Memory that stays bounded however long the mock runs: the newest entries are kept, the oldest
//! forgotten.

use std::borrow::Borrow;
use std::collections::{HashMap, VecDeque};
use std::hash::Hash;

/// Appends to a history that keeps its newest `limit` items.
pub(crate) fn push_newest<T>(history: &mut VecDeque<T>, item: T, limit: usize) {
    if history.len() >= limit {
        history.pop_front();
    }
    history.push_back(item);
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

    #[test]
    fn a_history_keeps_its_newest_items() {
        let mut history = VecDeque::new();
        for i in 0..5 {
            push_newest(&mut history, i, 3);
        }
        assert_eq!(history, [2, 3, 4]);
    }
}
