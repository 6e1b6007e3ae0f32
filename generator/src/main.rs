use std::process::ExitCode;

fn main() -> ExitCode {
    scanlens::main_with_args(std::env::args_os())
}
