//! Template rendering: any bytes as a template in a string value of a valid step.
#![no_main]

use kstep::fuzz;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    fuzz::template(data);
});
