//! The HTTP agents S3 and the credential endpoints are reached with: every wait bounded, and
//! the trust roots `AWS_CA_BUNDLE` names (a company proxy's CA, a private S3-compatible server)
//! instead of the built-in ones, as the AWS CLI and SDKs use it.

use super::S3Error;
use std::time::Duration;
use ureq::tls::{PemItem, RootCerts, TlsConfig};

/// CA certificates to trust instead of the built-in roots.
#[derive(Clone)]
pub struct Roots(RootCerts);

impl std::fmt::Debug for Roots {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Roots(AWS_CA_BUNDLE)")
    }
}

/// Reads `AWS_CA_BUNDLE`: a PEM file holding at least one certificate.
pub fn read_ca_bundle(path: &str) -> Result<Roots, S3Error> {
    let fail = |why: String| S3Error::CaBundle {
        path: path.to_string(),
        why,
    };
    // A CA bundle is a few hundred kilobytes at most; a larger file is not one.
    let meta = std::fs::metadata(path).map_err(|e| fail(e.to_string()))?;
    if meta.len() > 16 << 20 {
        return Err(fail("it is larger than 16 MiB".into()));
    }
    let pem = std::fs::read(path).map_err(|e| fail(e.to_string()))?;
    let mut certs = Vec::new();
    for item in ureq::tls::parse_pem(&pem) {
        match item.map_err(|e| fail(e.to_string()))? {
            PemItem::Certificate(c) => certs.push(c),
            _ => continue,
        }
    }
    if certs.is_empty() {
        return Err(fail("it holds no PEM certificate".into()));
    }
    Ok(Roots(RootCerts::new_with_certs(&certs)))
}

/// How long one request to an endpoint may take.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// DNS, TCP and TLS.
    pub connect: Duration,
    /// The longest a read or write may stall.
    pub stall: Duration,
    /// The whole request, unless the request sets its own.
    pub global: Option<Duration>,
}

pub fn agent(limits: Limits, roots: Option<&Roots>) -> ureq::Agent {
    let mut config = ureq::Agent::config_builder()
        .http_status_as_error(false)
        // Credentials and S3 answer where they are asked; a redirect elsewhere is refused.
        .max_redirects(0)
        .timeout_resolve(Some(limits.connect))
        .timeout_connect(Some(limits.connect))
        .timeout_per_read(Some(limits.stall))
        .timeout_per_write(Some(limits.stall))
        .timeout_global(limits.global);
    if let Some(Roots(r)) = roots {
        config = config.tls_config(TlsConfig::builder().root_certs(r.clone()).build());
    }
    config.build().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ca_bundle_must_hold_a_certificate() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("ca.pem");
        std::fs::write(&p, "not a certificate").unwrap();
        let e = read_ca_bundle(p.to_str().unwrap()).unwrap_err().to_string();
        assert!(
            e.contains("holds no PEM certificate") && e.contains("AWS_CA_BUNDLE"),
            "{e}"
        );
        let e = read_ca_bundle("/nonexistent/ca.pem")
            .unwrap_err()
            .to_string();
        assert!(e.contains("/nonexistent/ca.pem"), "{e}");
    }
}
