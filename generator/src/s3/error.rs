//! What can go wrong talking to S3 and to the credential endpoints, each with the fix in its
//! message. Callers branch on a few (`PreconditionFailed` to retry a conditional write,
//! `is_transient` to retry a request), so this is a `thiserror` enum rather than `anyhow`.

#[derive(Debug, thiserror::Error)]
pub enum S3Error {
    #[error("`{0}` is not an S3 URL; write it as s3://bucket/prefix")]
    BadUrl(String),
    #[error("`{bucket}` in {url} is not a valid S3 bucket name: {why}; write the bucket's exact name, as `aws s3 ls` lists it")]
    BadBucket {
        url: String,
        bucket: String,
        why: &'static str,
    },
    #[error("the prefix of {url} {why}; write it as plain segments, like s3://bucket/scans/app")]
    BadPrefix { url: String, why: &'static str },
    #[error("no AWS credentials found; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary ones), AWS_PROFILE with a profile in ~/.aws/credentials or ~/.aws/config, or AWS_WEB_IDENTITY_TOKEN_FILE with AWS_ROLE_ARN; on EC2, attach an instance role")]
    NoCredentials,
    #[error("profile `{profile}` has no access keys ({why}); run `aws configure export-credentials --profile {profile} --format env` and export what it prints")]
    UnsupportedProfile { profile: String, why: String },
    #[error("profile `{0}` was not found in ~/.aws/credentials or ~/.aws/config; check AWS_PROFILE or run `aws configure --profile {0}`")]
    MissingProfile(String),
    #[error("no AWS region; set AWS_REGION (or AWS_DEFAULT_REGION, or `region` in ~/.aws/config)")]
    NoRegion,
    #[error("container credentials from {url} failed: {why}; check AWS_CONTAINER_CREDENTIALS_RELATIVE_URI / _FULL_URI or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")]
    ContainerCredentials { url: String, why: String },
    #[error("web identity credentials from {endpoint} failed: {why}; check AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN and the role's trust policy (AWS_ENDPOINT_URL_STS selects another STS)")]
    WebIdentity { endpoint: String, why: String },
    #[error("instance metadata credentials from {endpoint} failed: {why}; attach an instance role, or set AWS_EC2_METADATA_DISABLED=true and give keys another way")]
    InstanceMetadata { endpoint: String, why: String },
    #[error("cannot use AWS_CA_BUNDLE {path}: {why}; point it at a PEM file of CA certificates")]
    CaBundle { path: String, why: String },
    #[error("cannot reach the S3 endpoint {endpoint}: {why}; check the network, AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL, or AWS_REGION")]
    Unreachable { endpoint: String, why: String },
    #[error("the S3 endpoint {endpoint} presented a certificate scanlens does not trust ({why}); if a company proxy or a private CA signed it, set AWS_CA_BUNDLE to that CA's PEM file")]
    UntrustedCertificate { endpoint: String, why: String },
    #[error("could not connect to the S3 endpoint {endpoint} within {limit} ({attempts} attempts); check the network and AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL, or raise --connect-timeout (SCANLENS_S3_CONNECT_TIMEOUT)")]
    ConnectTimeout {
        endpoint: String,
        limit: String,
        attempts: u32,
    },
    #[error("the S3 endpoint {endpoint} did not answer within {limit} ({attempts} attempts); check the network and AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL, or raise --timeout (SCANLENS_S3_TIMEOUT)")]
    NoAnswer {
        endpoint: String,
        limit: String,
        attempts: u32,
    },
    #[error("talking to {endpoint} did not finish within {limit}; raise --total-timeout (SCANLENS_S3_TOTAL_TIMEOUT) or publish fewer folders at once")]
    TotalTimeout { endpoint: String, limit: String },
    #[error("bucket `{0}` does not exist; create it (aws s3 mb s3://{0}) or fix the bucket name")]
    NoSuchBucket(String),
    #[error("the credentials were rejected ({code}); check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN or the profile, and that they have not expired")]
    BadCredentials { code: String },
    #[error("access denied on s3://{bucket}/{key}; grant s3:PutObject, s3:GetObject and s3:ListBucket on arn:aws:s3:::{bucket} and arn:aws:s3:::{bucket}/* to these credentials")]
    AccessDenied { bucket: String, key: String },
    #[error("bucket `{bucket}` is in region {region}; set AWS_REGION={region}")]
    WrongRegion { bucket: String, region: String },
    /// A conditional write lost: someone else wrote the object since it was read.
    #[error("s3://{bucket}/{key} changed while it was being rewritten; run again")]
    PreconditionFailed { bucket: String, key: String },
    #[error("s3://{bucket}/{key} is larger than {limit} bytes, more than scanlens reads; remove it or publish under a new prefix")]
    TooLarge {
        bucket: String,
        key: String,
        limit: u64,
    },
    #[error("the S3 endpoint {endpoint} answered a listing scanlens cannot read ({why}); check that AWS_ENDPOINT_URL_S3 points at an S3-compatible server")]
    BadListing { endpoint: String, why: String },
    #[error("S3 answered {status} {code} for s3://{bucket}/{key}: {message}")]
    Other {
        status: u16,
        code: String,
        message: String,
        bucket: String,
        key: String,
    },
}

/// Worth another attempt: the server or the network may answer the next time.
pub fn is_transient(e: &S3Error) -> bool {
    match e {
        S3Error::Unreachable { why, .. } => !why.to_lowercase().contains("refused"),
        S3Error::ConnectTimeout { .. } | S3Error::NoAnswer { .. } => true,
        S3Error::Other { status, .. } => *status >= 500,
        _ => false,
    }
}
