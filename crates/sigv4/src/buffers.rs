//! The hot path's speed tricks, in one place: a reused scratch string per thread, a list kept
//! on the stack while it is short, and number writers that skip `format!`.
//!
//! Each one exists because `cargo bench --bench signing` showed it paying; none changes what
//! is signed.

use std::cell::Cell;

/// Runs `f` with this thread's scratch string, cleared and with room for `capacity` bytes:
/// one allocation per thread instead of one per signature. The string is taken out of the
/// thread-local and put back after, so a nested use, or a use while the thread is torn down,
/// simply gets a fresh string.
pub(crate) fn with_thread_scratch<R>(capacity: usize, f: impl FnOnce(&mut String) -> R) -> R {
    thread_local! {
        static SCRATCH: Cell<String> = const { Cell::new(String::new()) };
    }
    let mut buffer = SCRATCH.try_with(Cell::take).unwrap_or_default();
    buffer.clear();
    buffer.reserve(capacity);
    let result = f(&mut buffer);
    let _ = SCRATCH.try_with(|s| s.set(buffer));
    result
}

/// A list on the stack while it holds at most `N` items, on the heap beyond.
pub(crate) enum StackFirstList<T, const N: usize> {
    Stack([T; N], usize),
    Heap(Vec<T>),
}

impl<T: Default, const N: usize> StackFirstList<T, N> {
    /// The `len` items of `items`.
    pub(crate) fn collect(len: usize, items: impl Iterator<Item = T>) -> Self {
        if len <= N {
            let mut array: [T; N] = std::array::from_fn(|_| T::default());
            for (slot, item) in array.iter_mut().zip(items) {
                *slot = item;
            }
            StackFirstList::Stack(array, len)
        } else {
            StackFirstList::Heap(items.collect())
        }
    }

    pub(crate) fn as_slice(&self) -> &[T] {
        match self {
            StackFirstList::Stack(array, len) => &array[..*len],
            StackFirstList::Heap(items) => items,
        }
    }

    pub(crate) fn as_mut_slice(&mut self) -> &mut [T] {
        match self {
            StackFirstList::Stack(array, len) => &mut array[..*len],
            StackFirstList::Heap(items) => items,
        }
    }
}

/// Appends `n` in decimal.
pub(crate) fn push_decimal(out: &mut String, n: u64) {
    let mut n = n;
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.push_str(ascii(&digits[i..]));
}

/// A SHA-256 or HMAC-SHA256 output as 64 lowercase hex digits, on the stack.
#[derive(Clone, Copy)]
pub(crate) struct Hex64([u8; 64]);

impl Hex64 {
    pub(crate) fn of(bytes: &[u8]) -> Hex64 {
        let mut out = [0u8; 64];
        // 32 bytes always make 64 hex digits; anything else is a caller's bug, left as zeros.
        let _ = hex::encode_to_slice(bytes, &mut out);
        Hex64(out)
    }

    pub(crate) fn as_str(&self) -> &str {
        ascii(&self.0)
    }
}

/// Bytes this module wrote as ASCII (digits, hex) viewed as text.
fn ascii(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_match_format() {
        for n in [0, 7, 10, 86_400, 604_800, u64::MAX] {
            let mut s = String::new();
            push_decimal(&mut s, n);
            assert_eq!(s, n.to_string());
        }
    }

    #[test]
    fn lists_keep_order_on_stack_and_heap() {
        let short = StackFirstList::<u8, 4>::collect(3, [3, 1, 2].into_iter());
        assert!(matches!(short, StackFirstList::Stack(..)));
        assert_eq!(short.as_slice(), [3, 1, 2]);
        let long = StackFirstList::<u8, 2>::collect(3, [3, 1, 2].into_iter());
        assert!(matches!(long, StackFirstList::Heap(..)));
        assert_eq!(long.as_slice(), [3, 1, 2]);
    }

    #[test]
    fn scratch_nests_without_sharing() {
        let outer = with_thread_scratch(8, |a| {
            a.push_str("outer");
            with_thread_scratch(8, |b| {
                assert!(b.is_empty());
                b.push_str("inner");
            });
            a.clone()
        });
        assert_eq!(outer, "outer");
        assert_eq!(Hex64::of(&[0xab; 32]).as_str(), "ab".repeat(32));
    }
}
