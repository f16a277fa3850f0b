//! Running independent per-step work on every core, with results in input order.
//!
//! Analysing a step file (syntax to check), planning (which hashes the compiled output),
//! lowering, emitting and writing are pure per step, so a run over many steps spreads them
//! over worker threads that take the next step from a shared counter. Results come back in
//! the order of the input, so output never depends on scheduling; [`map_in_order`] also
//! hands each result to a consumer in that order as soon as it and all before it are done,
//! so a stream can be written while later steps are still being worked on.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

/// How many of `n` items to hand a worker at a time: a few, so that a worker does each stage
/// of its work for several items in a row while its caches hold that stage's code and data;
/// few enough that every core gets several batches (they finish together) and that memory
/// holds only a handful of items per core.
pub(crate) fn batch_size(n: usize) -> usize {
    if n < 4 {
        return 1;
    }
    (n / (4 * workers())).clamp(1, 8)
}

/// The cores this process may use (asked once, and only for more than one item: the answer
/// reads the cgroup's files: about 40 µs, 3% of a one-step compile).
pub(crate) fn workers() -> usize {
    static WORKERS: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *WORKERS.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// `f` applied to every item (with its index), in parallel, results in input order.
pub(crate) fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(usize, &T) -> R + Sync) -> Vec<R> {
    map_in_order(items, f, |_, _| {})
}

/// [`map`], and `each` called once per result, in input order, as soon as the results before
/// it are done (on whichever worker completed them; one call at a time). Only the few
/// results finished ahead of an unfinished one wait.
pub(crate) fn map_in_order<T: Sync, R: Send>(
    items: &[T],
    f: impl Fn(usize, &T) -> R + Sync,
    each: impl FnMut(usize, &mut R) + Send,
) -> Vec<R> {
    let workers = match items.len() {
        0 | 1 => 1,
        n => workers().min(n),
    };
    let ordered = Mutex::new(Ordered {
        next: 0,
        ahead: BTreeMap::new(),
        done: Vec::with_capacity(items.len()),
        each,
    });
    if workers <= 1 {
        for (i, item) in items.iter().enumerate() {
            let result = f(i, item);
            lock(&ordered).finished(i, result);
        }
    } else {
        let next = AtomicUsize::new(0);
        let work = || {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(item) = items.get(i) else { break };
                let result = f(i, item);
                lock(&ordered).finished(i, result);
            }
        };
        // The calling thread is one of the workers: one thread fewer to start and end per
        // call, and its allocator's memory serves every call (a thread that ends leaves its
        // partly used pages to be taken over later).
        // A worker that panics makes `scope` panic, so every index comes back exactly once.
        std::thread::scope(|scope| {
            for _ in 1..workers {
                scope.spawn(work);
            }
            work();
        });
    }
    let ordered = ordered.into_inner().unwrap_or_else(PoisonError::into_inner);
    debug_assert!(ordered.ahead.is_empty() && ordered.done.len() == items.len());
    ordered.done
}

/// Results in input order, and those that finished before an earlier one.
struct Ordered<R, F> {
    /// The index of the first result not yet done.
    next: usize,
    ahead: BTreeMap<usize, R>,
    done: Vec<R>,
    each: F,
}

impl<R, F: FnMut(usize, &mut R)> Ordered<R, F> {
    fn finished(&mut self, index: usize, result: R) {
        self.ahead.insert(index, result);
        while let Some(mut result) = self.ahead.remove(&self.next) {
            (self.each)(self.next, &mut result);
            self.done.push(result);
            self.next += 1;
        }
    }
}

/// A panic on another worker has already failed the run; the data is still whole.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    #[test]
    fn keeps_input_order() {
        let items: Vec<u64> = (0..1000).collect();
        let doubled = super::map(&items, |i, n| (i as u64, n * 2));
        assert_eq!(doubled.len(), 1000);
        assert!(
            doubled
                .iter()
                .enumerate()
                .all(|(i, (j, n))| i as u64 == *j && *n == 2 * i as u64)
        );
    }

    #[test]
    fn each_sees_results_in_input_order() {
        let items: Vec<u64> = (0..1000).collect();
        let mut seen = Vec::new();
        // Uneven work, so workers finish out of order.
        let results = super::map_in_order(
            &items,
            |_, &n| (0..(n % 7) * 1000).fold(n, |a, b| a ^ b ^ b),
            |i, &mut r| seen.push((i, r)),
        );
        assert_eq!(results, items);
        assert_eq!(seen.len(), 1000);
        assert!(
            seen.iter()
                .enumerate()
                .all(|(k, &(i, r))| k == i && r == i as u64)
        );
    }
}
