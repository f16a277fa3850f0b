//! IP addresses and CIDR ranges, as the API server parses them.
//!
//! std's parsers are strict the same way Kubernetes is since 1.33 (no leading zeros, no
//! IPv4-mapped tricks in IPv4 fields), so an address kstep accepts is one the API accepts.

use std::net::IpAddr;

use crate::model::IpFamily;

pub(crate) fn ip(text: &str) -> Result<IpAddr, String> {
    text.parse::<IpAddr>()
        .map_err(|_| "must be a valid IPv4 or IPv6 address, e.g. 10.96.0.10".to_owned())
}

/// `address/prefix`, e.g. `10.0.0.0/8`.
pub(crate) fn cidr(text: &str) -> Result<(IpAddr, u8), String> {
    let fail = || "must be a CIDR range such as 10.0.0.0/8 or 2001:db8::/32".to_owned();
    let (address, prefix) = text.split_once('/').ok_or_else(fail)?;
    let address: IpAddr = address.parse().map_err(|_| fail())?;
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

/// Why an address cannot be an endpoint of a Service (seed 004: not loopback, link-local or
/// link-local multicast), if it cannot.
pub(crate) fn endpoint_problem(address: &IpAddr) -> Option<&'static str> {
    match address {
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
            } else if first == 0xff02 {
                Some("link-local multicast (ff02::/16)")
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
    }

    #[test]
    fn endpoint_addresses() {
        let bad = |s: &str| endpoint_problem(&s.parse().unwrap());
        assert!(bad("127.0.0.1").is_some());
        assert!(bad("169.254.1.1").is_some());
        assert!(bad("224.0.0.5").is_some());
        assert!(bad("fe80::1").is_some());
        assert!(bad("::1").is_some());
        assert!(bad("10.1.2.3").is_none());
        assert!(bad("2001:db8::5").is_none());
    }
}
