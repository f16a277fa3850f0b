//! Kubernetes resource quantities (`100m`, `0.5`, `128Mi`, `129e6`).
//!
//! The grammar is `resource.Quantity`'s: a signed decimal number, then a binary suffix
//! (`Ki`..`Ei`), a decimal suffix (`n`, `u`, `m`, `k`, `M`..`E`) or an exponent (`e3`).
//! Parsed values are exact (nano-units in a `u128`), so requests and limits compare exactly.

use std::cmp::Ordering;

/// A parsed, non-negative quantity, in nano-units (rounded up below one nano-unit).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Quantity {
    nanos: u128,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum QuantityError {
    /// Not in the quantity grammar; the string says what part is wrong.
    Syntax(&'static str),
    Negative,
    TooLarge,
}

impl Quantity {
    pub(crate) fn parse(text: &str) -> Result<Quantity, QuantityError> {
        let (negative, rest) = match text.as_bytes().first() {
            Some(b'-') => (true, &text[1..]),
            Some(b'+') => (false, &text[1..]),
            _ => (false, text),
        };
        let number_len = rest
            .find(|c: char| !c.is_ascii_digit() && c != '.')
            .unwrap_or(rest.len());
        let (number, suffix) = rest.split_at(number_len);
        let (int, frac) = number.split_once('.').unwrap_or((number, ""));
        if int.is_empty() && frac.is_empty() {
            return Err(QuantityError::Syntax("must start with a number"));
        }
        if frac.contains('.') {
            return Err(QuantityError::Syntax("has more than one decimal point"));
        }
        let (mut exp10, exp2) = parse_suffix(suffix)?;
        let digits = format!("{int}{frac}");
        let digits = digits.trim_start_matches('0');
        exp10 -= frac.len() as i64;
        let mantissa: u128 = if digits.is_empty() {
            0
        } else if digits.len() > 38 {
            return Err(QuantityError::TooLarge);
        } else {
            digits.parse().map_err(|_| QuantityError::TooLarge)?
        };
        if negative && mantissa != 0 {
            return Err(QuantityError::Negative);
        }
        let nanos = scale(mantissa, exp10 + 9, exp2).ok_or(QuantityError::TooLarge)?;
        Ok(Quantity { nanos })
    }

    /// Whether the value is a whole number of thousandths (CPU precision).
    pub(crate) fn is_whole_millis(self) -> bool {
        self.nanos.is_multiple_of(1_000_000)
    }

    pub(crate) fn is_zero(self) -> bool {
        self.nanos == 0
    }

    /// Whether it is a whole multiple of `unit` (which is not zero).
    pub(crate) fn is_multiple_of(self, unit: Quantity) -> bool {
        unit.nanos != 0 && self.nanos.is_multiple_of(unit.nanos)
    }

    /// Whether it is a whole number.
    pub(crate) fn is_whole(self) -> bool {
        self.nanos.is_multiple_of(1_000_000_000)
    }

    pub(crate) fn compare(self, other: Quantity) -> Ordering {
        self.nanos.cmp(&other.nanos)
    }
}

/// `(power of ten, power of two)` of a suffix.
fn parse_suffix(suffix: &str) -> Result<(i64, u32), QuantityError> {
    Ok(match suffix {
        "" => (0, 0),
        "n" => (-9, 0),
        "u" => (-6, 0),
        "m" => (-3, 0),
        "k" => (3, 0),
        "M" => (6, 0),
        "G" => (9, 0),
        "T" => (12, 0),
        "P" => (15, 0),
        "E" => (18, 0),
        "Ki" => (0, 10),
        "Mi" => (0, 20),
        "Gi" => (0, 30),
        "Ti" => (0, 40),
        "Pi" => (0, 50),
        "Ei" => (0, 60),
        _ => {
            let exponent = suffix
                .strip_prefix(['e', 'E'])
                .ok_or(QuantityError::Syntax("has an unknown suffix"))?;
            let digits = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(QuantityError::Syntax("has an invalid exponent"));
            }
            let value: i64 = exponent.parse().map_err(|_| QuantityError::TooLarge)?;
            if value.abs() > 1000 {
                return Err(QuantityError::TooLarge);
            }
            (value, 0)
        }
    })
}

/// `mantissa * 10^exp10 * 2^exp2`, rounded up, or `None` on overflow.
fn scale(mantissa: u128, exp10: i64, exp2: u32) -> Option<u128> {
    let mut value = mantissa.checked_mul(1u128.checked_shl(exp2)?)?;
    if exp10 >= 0 {
        for _ in 0..exp10 {
            if value == 0 {
                break;
            }
            value = value.checked_mul(10)?;
        }
    } else {
        for _ in 0..exp10.unsigned_abs() {
            if value == 0 {
                break;
            }
            value = value.div_ceil(10);
        }
    }
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(text: &str) -> Quantity {
        Quantity::parse(text).unwrap_or_else(|e| panic!("{text}: {e:?}"))
    }

    #[test]
    fn equal_quantities_are_equal() {
        // kubernetes.io/docs/concepts/configuration/manage-resources-containers/#meaning-of-cpu:
        // "100m cpu, and 0.1 cpu are all the same"
        assert_eq!(q("100m"), q("0.1"));
        assert_eq!(q("129e6"), q("129M"));
        assert_eq!(q("1Ki"), q("1024"));
        assert!(q("123Mi").compare(q("129M")).is_lt());
        assert_eq!(q(".5"), q("500m"));
        assert_eq!(q("5."), q("5"));
    }

    #[test]
    fn precision_and_errors() {
        assert!(q("1m").is_whole_millis());
        assert!(!q("0.0001").is_whole_millis());
        assert_eq!(Quantity::parse("-1"), Err(QuantityError::Negative));
        assert_eq!(q("-0"), q("0"));
        assert!(matches!(
            Quantity::parse("1Kb"),
            Err(QuantityError::Syntax(_))
        ));
        assert!(matches!(
            Quantity::parse("abc"),
            Err(QuantityError::Syntax(_))
        ));
        assert!(matches!(
            Quantity::parse("1.2.3"),
            Err(QuantityError::Syntax(_))
        ));
        assert!(matches!(
            Quantity::parse("1e"),
            Err(QuantityError::Syntax(_))
        ));
        assert!(matches!(Quantity::parse(""), Err(QuantityError::Syntax(_))));
        assert_eq!(Quantity::parse("1e400"), Err(QuantityError::TooLarge));
        assert_eq!(q("1e-12"), q("1n"), "rounded up to a nano-unit");
    }
}
