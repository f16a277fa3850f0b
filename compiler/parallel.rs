//! Running independent per-step work on every core, with results in input order.
//!
//! Analysing a step file (syntax to check), planning (which hashes the compiled output),
//! lowering, emitting and writing are pure per step, so a run over many steps spreads them over worker threads that take the next step
//! from a shared counter. Results come back in the order of the input, so output never
//! depends on scheduling.

use std::sync::atomic::{AtomicUsize, Ordering};

/// `f` applied to every item (with its index), in parallel, results in input order.
pub(crate) fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(usize, &T) -> R + Sync) -> Vec<R> {
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(items.len());
    if workers <= 1 {
        return items
            .iter()
            .enumerate()
            .map(|(i, item)| f(i, item))
            .collect();
    }
    let next = AtomicUsize::new(0);
    // Each worker returns what it computed, with the indices; a worker that panics makes
    // `scope` panic, so every index comes back exactly once.
    let mut done: Vec<(usize, R)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut out = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(i) else { break };
                        out.push((i, f(i, item)));
                    }
                    out
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    done.sort_unstable_by_key(|(i, _)| *i);
    debug_assert!(done.iter().enumerate().all(|(n, (i, _))| n == *i));
    done.into_iter().map(|(_, r)| r).collect()
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
}
