//! Prometheus metrics for both services: one process-wide recorder (installed once, however
//! many apps a test process starts), the middleware that counts and times every HTTP
//! request by method, matched route and status, a guard for "currently open" gauges, and
//! the `/metrics` handler rendering the plain-text exposition format.
//!
//! Each service routes `GET /metrics` to [`scrape`], on its main listener or, with
//! `METRICS_BIND`, on a listener of its own ([`serve`]), which a deployment keeps on its
//! internal network while publishing the main one. The route is unauthenticated.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request};
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

/// Counter: HTTP requests answered, by `method`, `route` (the matched route pattern, never
/// the raw path) and `status`.
pub const HTTP_REQUESTS: &str = "http_requests_total";
/// Histogram: seconds until the response head was ready, by `method`, `route` and `status`
/// (for a stream, its first byte, not its end).
pub const HTTP_DURATION: &str = "http_request_duration_seconds";

/// Buckets (seconds) of every histogram whose name ends in `_seconds`: 5 ms to 60 s.
const BUCKETS: [f64; 14] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0, 30.0, 60.0];
/// How often histogram samples are folded into their buckets when nobody scrapes.
const UPKEEP_INTERVAL: Duration = Duration::from_secs(5);

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// Installs the global recorder on the first call and returns its handle (the same one on
/// every later call). Metrics recorded before the first call are lost, so each service's
/// `app` calls this.
pub fn init() -> PrometheusHandle {
    HANDLE.get_or_init(install).clone()
}

fn install() -> PrometheusHandle {
    let builder = PrometheusBuilder::new();
    let builder = match builder.set_buckets_for_metric(Matcher::Suffix("_seconds".into()), &BUCKETS) {
        Ok(builder) => builder,
        Err(e) => {
            tracing::warn!(error = %e, "histogram buckets refused; latencies are reported as summaries");
            PrometheusBuilder::new()
        }
    };
    let recorder = builder.build_recorder();
    let handle = recorder.handle();
    if let Err(e) = metrics::set_global_recorder(recorder) {
        // Another recorder came first (a library user's own): ours then stays empty.
        tracing::warn!(error = %e, "a metrics recorder was already installed; /metrics will be empty");
    }
    let upkeep = handle.clone();
    let spawned = std::thread::Builder::new().name("metrics-upkeep".into()).spawn(move || {
        loop {
            std::thread::sleep(UPKEEP_INTERVAL);
            upkeep.run_upkeep();
        }
    });
    if let Err(e) = spawned {
        tracing::warn!(error = %e, "metrics upkeep thread did not start; scrapes still fold samples");
    }
    metrics::describe_counter!(HTTP_REQUESTS, "HTTP requests answered, by method, route and status");
    metrics::describe_histogram!(
        HTTP_DURATION,
        metrics::Unit::Seconds,
        "Seconds until the response head, by method, route and status"
    );
    handle
}

/// `GET /metrics`: every metric of this process in the Prometheus text format.
pub async fn scrape() -> Response {
    let body = init().render();
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], body).into_response()
}

/// Serves only `GET /metrics` on `listener` (the `METRICS_BIND` listener) until `shutdown`.
pub async fn serve(
    listener: tokio::net::TcpListener,
    shutdown: tokio_util::sync::CancellationToken,
) -> std::io::Result<()> {
    init();
    if let Ok(addr) = listener.local_addr() {
        tracing::info!(%addr, "serving /metrics on a listener of its own");
    }
    let app = axum::Router::new().route("/metrics", axum::routing::get(scrape));
    let limits = crate::serve::ConnectionLimits { max_connections: 16, ..Default::default() };
    crate::serve::serve(listener, app, limits, shutdown, Duration::from_secs(1)).await
}

/// Middleware (`axum::middleware::from_fn(track_http)`, applied last so it wraps every
/// route): counts and times each request. Unrouted requests are labelled `unmatched`, and
/// unusual methods `OTHER`, so clients cannot mint new series.
pub async fn track_http(request: Request, next: Next) -> Response {
    let route = request.extensions().get::<MatchedPath>().map_or("unmatched", MatchedPath::as_str).to_owned();
    let method = method_label(request.method());
    let started = Instant::now();
    let response = next.run(request).await;
    let labels =
        [("method", method.to_owned()), ("route", route), ("status", response.status().as_str().to_owned())];
    metrics::counter!(HTTP_REQUESTS, &labels).increment(1);
    metrics::histogram!(HTTP_DURATION, &labels).record(started.elapsed().as_secs_f64());
    response
}

fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "OTHER",
    }
}

/// Holds a gauge one higher while alive: created when something opens, dropped when it
/// ends however it ends (finished, failed, or abandoned by a client that went away).
#[must_use = "the gauge goes back down when this is dropped"]
pub struct InFlight(metrics::Gauge);

impl InFlight {
    /// Raises `gauge` by one until the returned guard is dropped.
    pub fn new(gauge: metrics::Gauge) -> Self {
        gauge.increment(1.0);
        Self(gauge)
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.decrement(1.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn init_is_idempotent_and_renders_what_was_recorded() {
        let first = init();
        metrics::counter!("shared_test_events_total", "kind" => "a").increment(2);
        let second = init();
        assert!(second.render().contains("shared_test_events_total{kind=\"a\"} 2"), "{}", first.render());
    }

    #[test]
    fn an_in_flight_guard_gives_its_gauge_back_when_dropped() {
        init();
        let guard = InFlight::new(metrics::gauge!("shared_test_open"));
        assert!(init().render().contains("shared_test_open 1"));
        drop(guard);
        assert!(init().render().contains("shared_test_open 0"));
    }

    #[test]
    fn odd_methods_share_one_label() {
        assert_eq!(method_label(&Method::GET), "GET");
        assert_eq!(method_label(&Method::from_bytes(b"BREW").unwrap_or_default()), "OTHER");
    }
}
