pub mod trivy;
