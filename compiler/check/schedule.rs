//! A CronJob's schedule and time zone, as the API server checks them: the schedule must parse
//! with the cron parser the CronJob controller uses (`cron.ParseStandard` of
//! robfig/cron v3: five fields, or a descriptor such as `@daily` or `@every 1h`, after an
//! optional `TZ=` or `CRON_TZ=` zone), and the time zone must be a name Go's
//! `time.LoadLocation` knows, never `Local` (`validateTimeZone` in
//! `pkg/apis/batch/validation`). The zone names are those of tzdata (`time_zones.txt`).

/// Why a schedule does not parse, or `Ok` with the zone its `TZ=` prefix names.
pub(crate) fn schedule(text: &str) -> Result<Option<&str>, String> {
    let (zone, rest) = match text
        .strip_prefix("TZ=")
        .or_else(|| text.strip_prefix("CRON_TZ="))
    {
        Some(prefixed) => match prefixed.split_once(' ') {
            Some((zone, rest)) => (Some(zone), rest.trim()),
            None => return Err("a `TZ=` zone must be followed by the schedule".into()),
        },
        None => (None, text.trim()),
    };
    if let Some(descriptor) = rest.strip_prefix('@') {
        return descriptor_rule(descriptor).map(|()| zone);
    }
    let fields: Vec<&str> = rest.split_whitespace().collect();
    if fields.len() != 5 {
        return Err(format!(
            "a schedule has five fields (minute, hour, day of month, month, day of week), not {}",
            fields.len()
        ));
    }
    for (field, bounds) in fields.iter().zip(FIELDS) {
        self::field(field, &bounds)
            .map_err(|reason| format!("the {} field `{field}`: {reason}", bounds.what))?;
    }
    Ok(zone)
}

/// Whether `name` is a time zone the API server accepts.
pub(crate) fn time_zone(name: &str) -> Result<(), String> {
    if name.eq_ignore_ascii_case("local") {
        return Err("`Local` is the controller's own zone; name an IANA time zone".into());
    }
    if zones().any(|zone| zone == name) {
        Ok(())
    } else {
        Err("not a time zone of the IANA time zone database".into())
    }
}

/// Every time zone name, sorted.
pub(crate) fn zones() -> impl Iterator<Item = &'static str> {
    include_str!("time_zones.txt")
        .lines()
        .filter(|line| !line.starts_with('#') && !line.is_empty())
}

struct Bounds {
    what: &'static str,
    min: u32,
    max: u32,
    names: &'static [&'static str],
}

const MONTHS: &[&str] = &[
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];
const DAYS: &[&str] = &["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

const FIELDS: [Bounds; 5] = [
    Bounds {
        what: "minute",
        min: 0,
        max: 59,
        names: &[],
    },
    Bounds {
        what: "hour",
        min: 0,
        max: 23,
        names: &[],
    },
    Bounds {
        what: "day of month",
        min: 1,
        max: 31,
        names: &[],
    },
    Bounds {
        what: "month",
        min: 1,
        max: 12,
        names: MONTHS,
    },
    Bounds {
        what: "day of week",
        min: 0,
        max: 6,
        names: DAYS,
    },
];

/// One field: comma-separated parts, each `*` or `?`, a value, or a range, with an optional
/// `/step` (`getRange` in robfig/cron's parser).
fn field(text: &str, bounds: &Bounds) -> Result<(), String> {
    for part in text.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((range, step)) => (range, Some(step)),
            None => (part, None),
        };
        let (start, end) = if range == "*" || range == "?" {
            (bounds.min, bounds.max)
        } else {
            match range.split_once('-') {
                Some((low, high)) => (value(low, bounds)?, value(high, bounds)?),
                None => {
                    let start = value(range, bounds)?;
                    // `N/step` runs from N to the end.
                    (start, if step.is_some() { bounds.max } else { start })
                }
            }
        };
        if let Some(step) = step {
            match step.parse::<u32>() {
                Ok(0) => return Err("a step must be at least 1".into()),
                Ok(_) => {}
                Err(_) => return Err(format!("`{step}` is not a step (a whole number)")),
            }
        }
        if start > end {
            return Err(format!("the range `{range}` starts after it ends"));
        }
    }
    Ok(())
}

/// A number in bounds, or a name (`jan`, `mon`; any case).
fn value(text: &str, bounds: &Bounds) -> Result<u32, String> {
    let lower = text.to_ascii_lowercase();
    if let Some(index) = bounds.names.iter().position(|n| *n == lower) {
        return Ok(bounds.min + u32::try_from(index).unwrap_or(0));
    }
    let number: u32 = text
        .parse()
        .map_err(|_| format!("`{text}` is not a number{}", names_hint(bounds)))?;
    if number < bounds.min || number > bounds.max {
        return Err(format!("{number} is outside {}-{}", bounds.min, bounds.max));
    }
    Ok(number)
}

fn names_hint(bounds: &Bounds) -> String {
    if bounds.names.is_empty() {
        String::new()
    } else {
        format!(" or a name ({}...)", bounds.names[..3].join(", "))
    }
}

/// `@yearly` and the other descriptors, and `@every <duration>`.
fn descriptor_rule(descriptor: &str) -> Result<(), String> {
    const NAMED: &[&str] = &[
        "yearly", "annually", "monthly", "weekly", "daily", "midnight", "hourly",
    ];
    if NAMED.contains(&descriptor) {
        return Ok(());
    }
    if let Some(duration) = descriptor.strip_prefix("every ") {
        return go_duration(duration.trim());
    }
    Err(format!(
        "`@{descriptor}` is not one of @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly or @every <duration>"
    ))
}

/// A Go duration as `time.ParseDuration` reads it: numbers with units (`1h30m`, `90s`).
fn go_duration(text: &str) -> Result<(), String> {
    let bad = || format!("`{text}` is not a duration such as `1h30m` or `90s`");
    let mut rest = text;
    if rest.is_empty() {
        return Err(bad());
    }
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(bad)?;
        if digits == 0 {
            return Err(bad());
        }
        rest = &rest[digits..];
        let unit = ["ns", "us", "µs", "ms", "s", "m", "h"]
            .iter()
            .find(|u| rest.starts_with(**u) && !(**u == "m" && rest.starts_with("ms")))
            .ok_or_else(bad)?;
        rest = &rest[unit.len()..];
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedules_the_controller_accepts() {
        for ok in [
            "30 2 * * *",
            "*/15 * * * *",
            "0 9-17/2 * * mon-fri",
            "0 0 1,15 * ?",
            "5 4 * JAN,jul SUN",
            "0 22 * * 1-5",
            "@hourly",
            "@every 1h30m",
            "TZ=Europe/Berlin 0 3 * * *",
            "CRON_TZ=UTC @daily",
            "10/5 * * * *",
        ] {
            assert!(schedule(ok).is_ok(), "{ok}: {:?}", schedule(ok));
        }
    }

    #[test]
    fn schedules_it_refuses() {
        for bad in [
            "",
            "* * * *",
            "* * * * * *",
            "60 * * * *",
            "* 24 * * *",
            "* * 0 * *",
            "* * * 13 *",
            "* * * * 7",
            "*/0 * * * *",
            "5-1 * * * *",
            "@weekdays",
            "@every",
            "@every 5",
            "TZ=UTC",
            "a * * * *",
        ] {
            assert!(schedule(bad).is_err(), "{bad}");
        }
        assert_eq!(schedule("TZ=UTC 0 * * * *"), Ok(Some("UTC")));
    }

    #[test]
    fn time_zones() {
        assert!(time_zone("Europe/Berlin").is_ok());
        assert!(time_zone("UTC").is_ok());
        assert!(time_zone("Etc/GMT+5").is_ok());
        assert!(time_zone("Local").is_err());
        assert!(time_zone("Europe/Munich").is_err());
        assert!(time_zone("europe/berlin").is_err());
        let zones: Vec<&str> = zones().collect();
        assert!(zones.windows(2).all(|w| w[0] < w[1]), "sorted, no repeats");
        assert!(zones.len() > 500);
    }
}
