//! Rolling update settings: counts or percentages the API accepts, not both zero
//! (`ValidateRollingUpdateDeployment` in `pkg/apis/apps/validation`).

use super::Cx;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{Count, Spanned};

pub(super) fn check(cx: &mut Cx<'_>) {
    let Some(rolling) = &cx.step.deployment.rolling else {
        return;
    };
    let surge = rolling
        .max_surge
        .as_ref()
        .and_then(|c| count(cx, c, "max_surge", false));
    let unavailable = rolling
        .max_unavailable
        .as_ref()
        .and_then(|c| count(cx, c, "max_unavailable", true));
    if surge == Some(0) && unavailable == Some(0) {
        cx.report(
            Diagnostic::error(Code::InvalidRollingUpdate, "`max_surge` and `max_unavailable` are both zero")
                .label(rolling.key_span, "this rolling update could never replace a pod")
                .help("allow at least one extra pod (`max_surge = 1`) or one unavailable pod (`max_unavailable = 1`)"),
        );
    }
}

/// `IsValidPercent` (`k8s.io/apimachinery/pkg/util/validation`): digits and `%`, nothing
/// else: no sign, no spaces, no fraction.
pub(crate) fn percent(text: &str) -> Option<i64> {
    let digits = text.strip_suffix('%')?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// The value as a number or percentage, when valid (reported otherwise).
pub(super) fn count(
    cx: &mut Cx<'_>,
    count: &Spanned<Count>,
    key: &str,
    at_most_all: bool,
) -> Option<i64> {
    let (value, problem) = match &count.value {
        Count::Number(n) if *n < 0 => (None, Some("must not be negative".to_owned())),
        Count::Number(n) => (Some(*n), None),
        Count::Percent(text) => match percent(text) {
            Some(p) if at_most_all && p > 100 => (None, Some("must be at most 100%".to_owned())),
            Some(p) => (Some(p), None),
            None => (
                None,
                Some(format!(
                    "`{text}` is neither a number of pods nor a percentage like \"25%\""
                )),
            ),
        },
    };
    if let Some(problem) = problem {
        cx.report(
            Diagnostic::error(Code::InvalidRollingUpdate, format!("`{key}` {problem}"))
                .label(count.span, "invalid")
                .help("write a number of pods such as 1, or a percentage of the replicas such as \"25%\""),
        );
    }
    value
}
