//! IP addresses and CIDR ranges, as the API server parses them.
//!
//! The API checks these fields with `IsValidIPForLegacyField` and `IsValidCIDRForLegacyField`
//! (`k8s.io/apimachinery/pkg/util/validation/ip.go`). kstep applies their strict form, the
//! one the `StrictIPCIDRValidation` feature gate turns on: std's parser already refuses
//! leading zeros in IPv4 addresses, and IPv4-mapped IPv6 addresses (`::ffff:10.1.2.3`) are
//! refused here. Both are ambiguous (octal, or IPv4 or IPv6?), the API warns about them
//! today, and kstep never accepts an address the API would reject.

use std::net::IpAddr;

use crate::model::IpFamily;

pub(crate) fn ip(text: &str) -> Result<IpAddr, String> {
    let address = text
        .parse::<IpAddr>()
        .map_err(|_| "must be a valid IPv4 or IPv6 address, e.g. 10.96.0.10".to_owned())?;
    if let Some(v4) = ipv4_mapped(&address) {
        return Err(format!(
            "must not be an IPv4-mapped IPv6 address: write `{v4}`"
        ));
    }
    Ok(address)
}

/// The IPv4 address inside an IPv4-mapped IPv6 address (`::ffff:10.1.2.3`).
fn ipv4_mapped(address: &IpAddr) -> Option<std::net::Ipv4Addr> {
    match address {
        IpAddr::V6(v6) => v6.to_ipv4_mapped(),
        IpAddr::V4(_) => None,
    }
}

/// `address/prefix`, e.g. `10.0.0.0/8`. The prefix length is decimal digits only, as
/// `netutils.ParseCIDRSloppy` reads it: no sign (`/+16`) and no spaces.
pub(crate) fn cidr(text: &str) -> Result<(IpAddr, u8), String> {
    let fail = || "must be a CIDR range such as 10.0.0.0/8 or 2001:db8::/32".to_owned();
    let (address, prefix) = text.split_once('/').ok_or_else(fail)?;
    let address: IpAddr = address.parse().map_err(|_| fail())?;
    if let Some(v4) = ipv4_mapped(&address) {
        return Err(format!(
            "must not have an IPv4-mapped IPv6 address: write `{v4}/...`"
        ));
    }
    if prefix.is_empty() || !prefix.bytes().all(|b| b.is_ascii_digit()) {
        return Err(fail());
    }
    let prefix: u8 = prefix.parse().map_err(|_| fail())?;
    let max = if address.is_ipv4() { 32 } else { 128 };
    if prefix > max {
        return Err(format!("the prefix length must be at most {max}"));
    }
    Ok((address, prefix))
}

pub(crate) fn family(address: &IpAddr) -> IpFamily {
    if address.is_ipv4() {
        IpFamily::V4
    } else {
        IpFamily::V6
    }
}

/// Why an address cannot be a Service endpoint or external IP, if it cannot: Kubernetes'
/// `ValidateNonSpecialIP` (`pkg/apis/core/validation`) refuses unspecified, loopback,
/// link-local and link-local multicast addresses, with Go's `net.IP` predicates (which also
/// look inside IPv4-mapped IPv6 addresses).
pub(crate) fn endpoint_problem(address: &IpAddr) -> Option<&'static str> {
    let mapped = ipv4_mapped(address).map(IpAddr::V4);
    match mapped.as_ref().unwrap_or(address) {
        IpAddr::V4(v4) => {
            if v4.is_loopback() {
                Some("loopback (127.0.0.0/8)")
            } else if v4.is_link_local() {
                Some("link-local (169.254.0.0/16)")
            } else if v4.octets()[..3] == [224, 0, 0] {
                Some("link-local multicast (224.0.0.0/24)")
            } else if v4.is_unspecified() {
                Some("unspecified (0.0.0.0)")
            } else {
                None
            }
        }
        IpAddr::V6(v6) => {
            let first = v6.segments()[0];
            if v6.is_loopback() {
                Some("loopback (::1)")
            } else if first & 0xffc0 == 0xfe80 {
                Some("link-local (fe80::/10)")
            } else if first & 0xff0f == 0xff02 {
                // Go's `IsLinkLocalMulticast`: any multicast address of link-local scope.
                Some("link-local multicast (ffx2::/16)")
            } else if v6.is_unspecified() {
                Some("unspecified (::)")
            } else {
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_like_the_api() {
        assert!(ip("10.96.0.10").is_ok());
        assert!(ip("2001:db8::1").is_ok());
        assert!(ip("010.96.0.10").is_err(), "leading zeros are rejected");
        assert!(ip("10.96.0").is_err());
        assert!(cidr("10.0.0.0/8").is_ok());
        assert!(cidr("2001:db8::/129").is_err());
        assert!(cidr("10.0.0.0").is_err());
        assert!(cidr("192.168.0.0/+16").is_err(), "no sign");
        assert!(cidr("192.168.0.0/ 16").is_err());
        assert!(
            cidr("192.168.0.0/016").is_ok(),
            "leading zeros, as ParseCIDRSloppy"
        );
        assert!(ip("::ffff:10.1.2.3").is_err(), "IPv4-mapped");
        assert!(cidr("::ffff:10.1.2.0/120").is_err(), "IPv4-mapped");
    }

    #[test]
    fn endpoint_addresses() {
        let bad = |s: &str| endpoint_problem(&s.parse().unwrap());
        assert!(bad("127.0.0.1").is_some());
        assert!(bad("169.254.1.1").is_some());
        assert!(bad("224.0.0.5").is_some());
        assert!(bad("fe80::1").is_some());
        assert!(bad("::1").is_some());
        assert!(bad("ff12::1").is_some(), "link-local scope with flags");
        assert!(bad("ff05::1").is_none(), "site-local scope");
        assert!(bad("0.0.0.0").is_some());
        assert!(bad("::").is_some());
        assert!(bad("10.1.2.3").is_none());
        assert!(bad("2001:db8::5").is_none());
    }
}
