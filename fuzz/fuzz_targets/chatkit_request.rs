//! The ChatKit request parser: any body is a typed request or a 400-class `ApiError`
//! (never a panic, never a 5xx).
#![no_main]

use chat_gateway::chatkit::dispatcher::parse_request;
use chat_gateway::error::ApiError;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = parse_request(data) {
        assert!(matches!(e, ApiError::BadRequest(_)), "a bad body is a bad request: {e:?}");
    }
});
