//! The shared HTTP metrics middleware and `/metrics`, on a real router on port 0: series
//! are labelled by matched route (never the raw path, so no ids), method and status, and
//! latencies are histograms with buckets.
#![allow(clippy::unwrap_used)]

use axum::Router;
use axum::middleware;
use axum::routing::get;

async fn server() -> String {
    shared::metrics::init();
    let app = Router::new()
        .route("/things/{id}", get(|| async { "a thing" }))
        .route("/metrics", get(shared::metrics::scrape))
        .layer(middleware::from_fn(shared::metrics::track_http));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    base
}

#[tokio::test]
async fn requests_are_counted_and_timed_by_route_pattern_method_and_status() {
    let base = server().await;
    let client = reqwest::Client::new();
    for id in [41, 42, 43] {
        assert_eq!(client.get(format!("{base}/things/{id}")).send().await.unwrap().status(), 200);
    }
    assert_eq!(client.get(format!("{base}/nowhere/7")).send().await.unwrap().status(), 404);
    let scraped = client.get(format!("{base}/metrics")).send().await.unwrap();
    assert!(scraped.headers()["content-type"].to_str().unwrap().starts_with("text/plain"));
    let text = scraped.text().await.unwrap();

    let line = text
        .lines()
        .find(|l| l.starts_with("http_requests_total{") && l.contains("route=\"/things/{id}\""))
        .unwrap_or_else(|| panic!("no series for the route pattern:\n{text}"));
    assert!(line.contains("method=\"GET\"") && line.contains("status=\"200\""), "{line}");
    let count: f64 = line.rsplit(' ').next().unwrap().parse().unwrap();
    assert!(count >= 3.0, "{line}");
    assert!(!text.contains("/things/42"), "no raw paths in labels");
    assert!(text.lines().any(|l| l.starts_with("http_requests_total{")
        && l.contains("route=\"unmatched\"")
        && l.contains("status=\"404\"")));
    assert!(
        text.lines()
            .any(|l| l.starts_with("http_request_duration_seconds_bucket{") && l.contains("le=\"0.005\"")),
        "latency is a histogram with buckets:\n{text}"
    );
    assert!(text.contains("# TYPE http_request_duration_seconds histogram"), "{text}");
}
