//! Helpers of the tests that talk to `coalsim serve` over HTTP (serve.rs:
//! the API; game.rs: the class game; browser.rs waits with [`eventually`]).

use std::time::{Duration, Instant};

use coalsim_serve::server::{self as serve, Config};
use serde_json::Value;

/// How long a test waits for something that must happen before it gives
/// up. Only a guard against a hung test, not a measure of speed: a loaded
/// machine may take many times longer than usual, and waiting longer is
/// fine.
pub const PATIENCE: Duration = Duration::from_secs(600);

/// Polls `check` (every 100 ms at first, then less often) until it returns
/// `Some`, and returns that; panics naming `what` after [`PATIENCE`].
pub fn eventually<T>(what: &str, mut check: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + PATIENCE;
    let mut pause = Duration::from_millis(100);
    loop {
        if let Some(v) = check() {
            return v;
        }
        assert!(
            Instant::now() < deadline,
            "gave up waiting for {what} after {} s",
            PATIENCE.as_secs()
        );
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_secs(1));
    }
}

/// A server on a free loopback port.
pub fn start(cfg: Config) -> serve::Running {
    serve::spawn("127.0.0.1:0".parse().unwrap(), cfg).expect("the server starts")
}

/// An HTTP client that returns error statuses as answers.
pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

/// POSTs text as JSON; the status and the body.
pub fn post_raw(url: &str, body: &str) -> (u16, String) {
    let mut r = agent()
        .post(url)
        .header("content-type", "application/json")
        .send(body.to_string())
        .unwrap();
    let status = r.status().as_u16();
    (status, r.body_mut().read_to_string().unwrap())
}

/// POSTs JSON; the status and the body, which must be JSON.
pub fn post(url: &str, body: &Value) -> (u16, Value) {
    let (status, text) = post_raw(url, &body.to_string());
    let v = serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"));
    (status, v)
}

/// POSTs JSON; the status and the body as JSON, or as a JSON string when
/// it is not JSON (some refusals are plain text).
pub fn post_json_or_text(url: &str, body: &Value) -> (u16, Value) {
    let (status, text) = post_raw(url, &body.to_string());
    let v = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, v)
}

/// GETs `url`; the status and the body.
pub fn get(url: &str) -> (u16, String) {
    let mut r = agent().get(url).call().unwrap();
    (r.status().as_u16(), r.body_mut().read_to_string().unwrap())
}
