//! Attachments end to end over real HTTP, on SQLite and PostgreSQL: ChatKit's two-phase upload
//! (`attachments.create`, a multipart upload to the URL it hands out, a message carrying the
//! id), the offline agent turning a five-line text file into five tasks in the real mcp-tasks
//! with one `add_task` call, a scripted OpenAI-compatible model receiving an image as an
//! `image_url` content part, isolation between users, the limits (size, type by magic bytes,
//! quota, declared size) as clear 4xx errors, signed previews, and a thread delete taking its
//! attachments with it. The wire shapes are checked against the reference models in
//! `chatkit_conformance.rs` (`--responder attachments`).
#![allow(clippy::unwrap_used)]

#[macro_use]
mod support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chat_gateway::agent::Agent;
use chat_gateway::store::ThreadStore;
use serde_json::{Value, json};
use support::product::Stack;
use support::stack::{self, GatewayOptions};

/// The smallest PNG: a signature and an IHDR chunk are enough for the magic-byte check.
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00";

const FIVE_LINES: &str = "buy milk\n- call the plumber\n\n2. pay rent\nwater the plants\n[ ] book flights\n";

/// `attachments.create` as `user`: (status, body).
async fn create(stack: &Stack, user: &str, name: &str, size: usize, mime: &str) -> (u16, Value) {
    let op = json!({"type": "attachments.create", "params": {"name": name, "size": size, "mime_type": mime}});
    stack::json_op(&stack.base, user, &op).await
}

/// A multipart/form-data body with one `file` field, as browsers and the widget send it.
fn multipart(name: &str, mime: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "----attach-test-boundary-7d1f";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: {mime}\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// POSTs `bytes` as the multipart `file` to `url` as `user`: (status, body).
async fn upload(
    stack: &Stack,
    user: &str,
    url: &str,
    (name, mime): (&str, &str),
    bytes: &[u8],
) -> (u16, Value) {
    let (content_type, body) = multipart(name, mime, bytes);
    let response = stack
        .http
        .post(url)
        .bearer_auth(stack.token(user))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Creates and uploads a file as `user`; the uploaded attachment.
async fn attach(stack: &Stack, user: &str, name: &str, mime: &str, bytes: &[u8]) -> Value {
    let (status, created) = create(stack, user, name, bytes.len(), mime).await;
    assert_eq!(status, 200, "{created}");
    let url = created["upload_descriptor"]["url"].as_str().unwrap().to_owned();
    let (status, uploaded) = upload(stack, user, &url, (name, mime), bytes).await;
    assert_eq!(status, 200, "{uploaded}");
    uploaded
}

fn message(text: &str, attachments: &[&str]) -> Value {
    json!({"content": [{"type": "input_text", "text": text}], "attachments": attachments, "inference_options": {}})
}

async fn a_text_file_of_five_lines_becomes_five_tasks_with_one_add_task_call(store: Arc<dyn ThreadStore>) {
    let stack = Stack::start(store).await;
    let (status, created) = create(&stack, "alice", "list.txt", FIVE_LINES.len(), "text/plain").await;
    assert_eq!(status, 200, "{created}");
    let id = created["id"].as_str().unwrap();
    assert!(id.starts_with("atc_"), "{created}");
    assert_eq!((created["type"].as_str(), created.get("preview_url")), (Some("file"), None));
    let descriptor = &created["upload_descriptor"];
    let url = descriptor["url"].as_str().unwrap();
    assert_eq!(url, format!("{}/api/attachments/{id}/upload", stack.base), "absolute, on this gateway");
    assert_eq!(descriptor["method"], "POST");

    let (status, uploaded) =
        upload(&stack, "alice", url, ("list.txt", "text/plain"), FIVE_LINES.as_bytes()).await;
    assert_eq!(status, 200, "{uploaded}");
    assert_eq!(uploaded["id"], id);
    assert!(uploaded.get("upload_descriptor").is_none(), "no descriptor once uploaded: {uploaded}");

    let op = json!({"type": "threads.create", "params": {"input": message("add these", &[id])}});
    let events = stack::stream(&stack.base, "alice", &op).await;
    let user_message = events
        .iter()
        .find(|e| e["type"] == "thread.item.done" && e["item"]["type"] == "user_message")
        .map(|e| &e["item"])
        .unwrap();
    let thread_id = user_message["thread_id"].as_str().unwrap();
    let carried = &user_message["attachments"][0];
    assert_eq!((carried["id"].as_str(), carried["thread_id"].as_str()), (Some(id), Some(thread_id)));
    assert_eq!(carried["name"], "list.txt");

    let mut titles = stack.task_titles("alice").await;
    titles.sort();
    assert_eq!(titles, ["book flights", "buy milk", "call the plumber", "pay rent", "water the plants"]);
    let calls = stack.store.list_tool_calls("alice", thread_id).await.unwrap();
    let names: Vec<&str> = calls.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["add_task"], "one call for all five");
    assert_eq!(calls[0].arguments["tasks"].as_array().unwrap().len(), 5);

    // The stored message carries the attachment too (threads.get_by_id reads it back).
    let get = json!({"type": "threads.get_by_id", "params": {"thread_id": thread_id}});
    let (status, thread) = stack::json_op(&stack.base, "alice", &get).await;
    assert_eq!(status, 200);
    assert_eq!(thread["items"]["data"][0]["attachments"][0]["id"], id);

    // Sent once, it belongs to that thread: another conversation cannot reuse it.
    let again = json!({"type": "threads.create", "params": {"input": message("again", &[id])}});
    let response = stack::post(&stack.base, "alice", &again).await;
    assert_eq!(response.status(), 400);
    let threads = stack.store.list_threads("alice", None, 10, Default::default()).await.unwrap();
    assert_eq!(threads.data.len(), 1, "nothing was stored for the refused message");
}

async fn csv_rows_and_calendar_events_become_tasks_with_their_due_dates_in_one_call(
    store: Arc<dyn ThreadStore>,
) {
    let stack = Stack::start(store).await;
    let csv = attach(
        &stack,
        "alice",
        "chores.csv",
        "text/csv",
        b"Task,Due\nclean the garage,2026-12-20\n\"milk, eggs\",\n",
    )
    .await;
    let ics = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:Dentist\r\nDTSTART:20261215T093000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    let ics = attach(&stack, "alice", "cal.ics", "text/calendar", ics.as_bytes()).await;
    let ids = [csv["id"].as_str().unwrap(), ics["id"].as_str().unwrap()];
    let op = json!({"type": "threads.create", "params": {"input": message("", &ids)}});
    let events = stack::stream(&stack.base, "alice", &op).await;
    let thread_id = events[0]["thread"]["id"].as_str().unwrap();
    let calls = stack.store.list_tool_calls("alice", thread_id).await.unwrap();
    assert_eq!(calls.len(), 1, "one add_task for both files");
    assert_eq!(
        calls[0].arguments["tasks"],
        json!([
            {"title": "clean the garage", "due": "2026-12-20"},
            {"title": "milk, eggs"},
            {"title": "Dentist", "due": "2026-12-15T09:30"},
        ])
    );
    let mut titles = stack.task_titles("alice").await;
    titles.sort();
    assert_eq!(titles, ["Dentist", "clean the garage", "milk, eggs"]);
}

async fn a_file_of_more_tasks_than_a_message_may_add_adds_none_and_says_so(store: Arc<dyn ThreadStore>) {
    let stack = Stack::start(store).await;
    let lines: String = (1..=101).map(|n| format!("task {n}\n")).collect();
    let file = attach(&stack, "alice", "long.txt", "text/plain", lines.as_bytes()).await;
    let op = json!({"type": "threads.create", "params": {"input": message("add these", &[file["id"].as_str().unwrap()])}});
    let events = stack::stream(&stack.base, "alice", &op).await;
    let reply = stack::reply(&events);
    assert!(reply.contains("101 tasks") && reply.contains("at most 100"), "{reply}");
    assert!(stack.task_titles("alice").await.is_empty(), "nothing was added");
}

async fn an_image_makes_the_offline_agent_say_it_cannot_read_images(store: Arc<dyn ThreadStore>) {
    let stack = Stack::start(store).await;
    let image = attach(&stack, "alice", "list.png", "image/png", PNG).await;
    let id = image["id"].as_str().unwrap();
    let op = json!({"type": "threads.create", "params": {"input": message("", &[id])}});
    let events = stack::stream(&stack.base, "alice", &op).await;
    assert!(stack::reply(&events).contains("cannot read images"), "{}", stack::reply(&events));
    assert!(stack.task_titles("alice").await.is_empty());
}

async fn another_users_attachment_is_not_found_everywhere(store: Arc<dyn ThreadStore>) {
    let stack = Stack::start(store).await;
    let image = attach(&stack, "alice", "a.png", "image/png", PNG).await;
    let id = image["id"].as_str().unwrap();
    let preview = image["preview_url"].as_str().unwrap().to_owned();
    let (_, pending) = create(&stack, "alice", "b.txt", 3, "text/plain").await;
    let pending_url = pending["upload_descriptor"]["url"].as_str().unwrap();

    let delete = json!({"type": "attachments.delete", "params": {"attachment_id": id}});
    let (status, body) = stack::json_op(&stack.base, "bob", &delete).await;
    assert_eq!((status, body["error"]["code"].as_str()), (404, Some("not_found")), "{body}");
    let (status, body) = upload(&stack, "bob", pending_url, ("b.txt", "text/plain"), b"bob").await;
    assert_eq!(status, 404, "bob cannot fill alice's upload: {body}");
    let op = json!({"type": "threads.create", "params": {"input": message("add these", &[id])}});
    let response = stack::post(&stack.base, "bob", &op).await;
    assert_eq!(response.status(), 404, "bob cannot send alice's attachment");
    assert_eq!(stack.store.list_threads("bob", None, 10, Default::default()).await.unwrap().data.len(), 0);
    // The preview URL is alice's: it shows her image, and naming bob in it breaks the signature.
    let shown = stack.http.get(&preview).send().await.unwrap();
    assert_eq!(shown.status(), 200);
    assert_eq!(shown.headers()["content-type"], "image/png");
    assert_eq!(shown.bytes().await.unwrap().as_ref(), PNG);
    let forged = preview.replace("user=alice", "user=bob");
    assert_eq!(stack.http.get(&forged).send().await.unwrap().status(), 404);
    let tampered = preview.replace("signature=", "signature=00");
    assert_eq!(stack.http.get(&tampered).send().await.unwrap().status(), 404);
    let unsigned = preview.split('?').next().unwrap();
    let response = stack.http.get(unsigned).send().await.unwrap();
    assert_eq!(response.status(), 404);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "not_found", "a JSON error like every other");
    // Alice still has it, and deletes it.
    let (status, body) = stack::json_op(&stack.base, "alice", &delete).await;
    assert_eq!((status, body), (200, json!({})));
    assert_eq!(stack.http.get(&preview).send().await.unwrap().status(), 404, "gone with it");
}

async fn limits_answer_clear_4xx_errors_and_keep_nothing_wrong(store: Arc<dyn ThreadStore>) {
    let stack = Stack::start(store).await;
    let code = |body: &Value| body["error"]["code"].as_str().unwrap_or_default().to_owned();

    let (status, body) = create(&stack, "alice", "big.txt", (10 << 20) + 1, "text/plain").await;
    assert_eq!((status, code(&body).as_str()), (413, "too_large"), "{body}");
    let (status, body) = create(&stack, "alice", "a.pdf", 100, "application/pdf").await;
    assert_eq!((status, code(&body).as_str()), (415, "unsupported_media_type"), "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("PNG"), "says what is accepted: {body}");
    let (status, body) = create(&stack, "alice", "empty.txt", 0, "text/plain").await;
    assert_eq!(status, 400, "{body}");

    // A .png that is no PNG: refused by its bytes, and not usable in a message afterwards.
    let fake = b"just some text pretending";
    let (_, created) = create(&stack, "alice", "photo.png", fake.len(), "image/png").await;
    let url = created["upload_descriptor"]["url"].as_str().unwrap();
    let (status, body) = upload(&stack, "alice", url, ("photo.png", "image/png"), fake).await;
    assert_eq!((status, code(&body).as_str()), (415, "unsupported_media_type"), "{body}");
    let op = json!({"type": "threads.create", "params": {"input": message("add", &[created["id"].as_str().unwrap()])}});
    let response = stack::post(&stack.base, "alice", &op).await;
    assert_eq!(response.status(), 400, "not uploaded yet");

    // The bytes must be as many as declared.
    let (_, created) = create(&stack, "alice", "list.txt", 10, "text/plain").await;
    let url = created["upload_descriptor"]["url"].as_str().unwrap();
    let (status, body) = upload(&stack, "alice", url, ("list.txt", "text/plain"), b"short").await;
    assert_eq!(status, 400, "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("declared 10"), "{body}");
    // A body over the per-file limit is cut off at the door.
    let huge = vec![b'a'; (10 << 20) + (128 << 10)];
    let (status, body) = upload(&stack, "alice", url, ("list.txt", "text/plain"), &huge).await;
    assert_eq!(status, 413, "{body}");

    // The quota (100 MiB) counts declared sizes: ten 10 MiB files fit, the eleventh does not.
    for n in 0..10 {
        let (status, body) = create(&stack, "carol", &format!("f{n}.txt"), 10 << 20, "text/plain").await;
        assert_eq!(status, 200, "{body}");
    }
    let (status, body) = create(&stack, "carol", "f10.txt", 10 << 20, "text/plain").await;
    assert_eq!((status, code(&body).as_str()), (413, "quota_exceeded"), "{body}");
    let (status, _) = create(&stack, "dave", "f.txt", 10 << 20, "text/plain").await;
    assert_eq!(status, 200, "the quota is per user");
    // However small, at most 100 attachments may wait unsent.
    for n in 0..100 {
        let (status, body) = create(&stack, "erin", &format!("f{n}.txt"), 1, "text/plain").await;
        assert_eq!(status, 200, "{body}");
    }
    let (status, body) = create(&stack, "erin", "f100.txt", 1, "text/plain").await;
    assert_eq!((status, code(&body).as_str()), (413, "too_large"), "{body}");
}

async fn deleting_a_thread_deletes_its_attachments(store: Arc<dyn ThreadStore>) {
    let stack = Stack::start(store).await;
    let image = attach(&stack, "alice", "a.png", "image/png", PNG).await;
    let id = image["id"].as_str().unwrap();
    let op = json!({"type": "threads.create", "params": {"input": message("what is this?", &[id])}});
    let events = stack::stream(&stack.base, "alice", &op).await;
    let thread_id = events[0]["thread"]["id"].as_str().unwrap();
    // Read back, the message's image has a fresh signed preview URL that shows it.
    let get = json!({"type": "items.list", "params": {"thread_id": thread_id, "order": "asc"}});
    let (_, page) = stack::json_op(&stack.base, "alice", &get).await;
    let preview = page["data"][0]["attachments"][0]["preview_url"].as_str().unwrap().to_owned();
    assert_eq!(stack.http.get(&preview).send().await.unwrap().status(), 200);

    let delete = json!({"type": "threads.delete", "params": {"thread_id": thread_id}});
    assert_eq!(stack::json_op(&stack.base, "alice", &delete).await.0, 200);
    assert!(stack.store.load_attachment("alice", id).await.is_err(), "gone with its thread");
    assert_eq!(stack.http.get(&preview).send().await.unwrap().status(), 404);
}

async fn the_model_receives_an_image_as_an_image_content_part_and_a_file_as_text(
    store: Arc<dyn ThreadStore>,
) {
    let requests = Arc::new(Mutex::new(Vec::new()));
    let model =
        support::model::serve(requests.clone(), |_| Ok(support::model::text_chunks(&["I see it."]))).await;
    let stack = Stack::build(store, GatewayOptions::default(), |tasks| {
        let brain = stack::llm(&model, "vision-model");
        Arc::new(Agent::new(stack::tasks_client(tasks, Duration::from_secs(5)), brain, 8))
    })
    .await;
    let image = attach(&stack, "alice", "list.png", "image/png", PNG).await;
    let file = attach(&stack, "alice", "more.txt", "text/plain", b"pay rent\ncall mom\n").await;
    let ids = [image["id"].as_str().unwrap(), file["id"].as_str().unwrap()];
    let op = json!({"type": "threads.create", "params": {"input": message("add these", &ids)}});
    let events = stack::stream(&stack.base, "alice", &op).await;
    assert_eq!(stack::reply(&events), "I see it.");

    let sent = requests.lock().unwrap()[0].clone();
    let last =
        sent["messages"].as_array().unwrap().iter().rev().find(|m| m["role"] == "user").unwrap().clone();
    let parts = last["content"].as_array().unwrap_or_else(|| panic!("content parts: {last}"));
    let text = parts.iter().find(|p| p["type"] == "text").unwrap()["text"].as_str().unwrap();
    assert!(text.starts_with("add these"), "{text}");
    assert!(text.contains("pay rent\ncall mom"), "the text file as text: {text}");
    let url = parts.iter().find(|p| p["type"] == "image_url").unwrap()["image_url"]["url"].as_str().unwrap();
    use base64::Engine;
    let expected = format!("data:image/png;base64,{}", base64::engine::general_purpose::STANDARD.encode(PNG));
    assert_eq!(url, expected, "the image's own bytes as a data URL");
}

async fn an_upload_on_one_replica_is_previewed_and_sent_through_another(store: Arc<dyn ThreadStore>) {
    // Two gateways on one database, sharing the preview secret as replicas share theirs.
    let a = echo_gateway(store.clone(), None, "shared-preview-secret").await;
    let b = echo_gateway(store.clone(), None, "shared-preview-secret").await;
    let op = json!({"type": "attachments.create", "params": {"name": "a.png", "size": PNG.len(), "mime_type": "image/png"}});
    let (status, created) = stack::json_op(&a.base, "alice", &op).await;
    assert_eq!(status, 200, "{created}");
    let id = created["id"].as_str().unwrap();
    let upload_on_b = created["upload_descriptor"]["url"].as_str().unwrap().replace(&a.base, &b.base);
    let (content_type, body) = multipart("a.png", "image/png", PNG);
    let response = reqwest::Client::new()
        .post(&upload_on_b)
        .bearer_auth(stack::token("alice"))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "B stores what A created");
    let preview_on_b = created["preview_url"].as_str().unwrap().replace(&a.base, &b.base);
    let shown = reqwest::get(&preview_on_b).await.unwrap();
    assert_eq!(shown.status(), 200, "B verifies A's signature");
    assert_eq!(shown.bytes().await.unwrap().as_ref(), PNG);
    let send = json!({"type": "threads.create", "params": {"input": message("look", &[id])}});
    let events = stack::stream(&a.base, "alice", &send).await;
    let thread_id = events[0]["thread"]["id"].as_str().unwrap();
    let get = json!({"type": "threads.get_by_id", "params": {"thread_id": thread_id}});
    let (status, thread) = stack::json_op(&b.base, "alice", &get).await;
    assert_eq!(status, 200);
    assert_eq!(thread["items"]["data"][0]["attachments"][0]["thread_id"], thread_id, "B reads it as sent");
}

on_both_backends!(
    an_upload_on_one_replica_is_previewed_and_sent_through_another,
    a_text_file_of_five_lines_becomes_five_tasks_with_one_add_task_call,
    csv_rows_and_calendar_events_become_tasks_with_their_due_dates_in_one_call,
    a_file_of_more_tasks_than_a_message_may_add_adds_none_and_says_so,
    an_image_makes_the_offline_agent_say_it_cannot_read_images,
    another_users_attachment_is_not_found_everywhere,
    limits_answer_clear_4xx_errors_and_keep_nothing_wrong,
    deleting_a_thread_deletes_its_attachments,
    the_model_receives_an_image_as_an_image_content_part_and_a_file_as_text,
);

/// A gateway over `store` with the echo responder and `public_url`, on port 0, signing previews
/// with a key from `secret`.
async fn echo_gateway(
    store: Arc<dyn ThreadStore>,
    public_url: Option<&str>,
    secret: &str,
) -> support::stack::Running {
    use chat_gateway::auth::Authenticator;
    use chat_gateway::echo::EchoResponder;
    use chat_gateway::startup::{self, GatewayParts};
    let key = shared::identity::TokenKey::new(stack::USER_SECRET).unwrap();
    let responder = Arc::new(EchoResponder { deltas: 1 });
    let parts = GatewayParts {
        public_url: public_url.map(str::to_owned),
        preview_key: chat_gateway::conversation::attachments::PreviewKey::derive(secret.as_bytes()),
        ..GatewayParts::new(store, responder, Authenticator::new(Some(key), None))
    };
    let app = startup::app(parts);
    support::stack::Running::spawn(|listener, shutdown| startup::run(listener, app, shutdown)).await
}

#[tokio::test]
async fn upload_urls_are_built_on_the_public_url_else_on_the_requests_host() {
    let op = json!({"type": "attachments.create", "params": {"name": "a.png", "size": 8, "mime_type": "image/png"}});
    let create = |base: String, host: Option<&'static str>, proto: Option<&'static str>| {
        let op = op.clone();
        async move {
            let mut request =
                reqwest::Client::new().post(format!("{base}/chatkit")).bearer_auth(stack::token("alice"));
            if let Some(host) = host {
                request = request.header("host", host);
            }
            if let Some(proto) = proto {
                request = request.header("x-forwarded-proto", proto);
            }
            let body: Value = request.json(&op).send().await.unwrap().json().await.unwrap();
            let upload = body["upload_descriptor"]["url"].as_str().unwrap().to_owned();
            let preview = body["preview_url"].as_str().unwrap().to_owned();
            (upload, preview)
        }
    };

    let (store, _dir) = support::sqlite_store().await;
    let configured = echo_gateway(store, Some("https://chat.example/"), "s").await;
    let (upload, preview) = create(configured.base.clone(), None, None).await;
    assert!(upload.starts_with("https://chat.example/api/attachments/atc_"), "{upload}");
    assert!(upload.ends_with("/upload"), "{upload}");
    assert!(preview.starts_with("https://chat.example/api/attachments/atc_"), "{preview}");

    let (store, _dir) = support::sqlite_store().await;
    let by_host = echo_gateway(store, None, "s").await;
    let (upload, _) = create(by_host.base.clone(), None, None).await;
    assert!(upload.starts_with(&format!("{}/api/attachments/", by_host.base)), "loopback: http: {upload}");
    let (upload, _) = create(by_host.base.clone(), Some("tasks.example"), None).await;
    assert!(upload.starts_with("https://tasks.example/api/attachments/"), "another name: https: {upload}");
    let (upload, _) = create(by_host.base.clone(), Some("tasks.example:8080"), Some("http")).await;
    assert!(upload.starts_with("http://tasks.example:8080/api/attachments/"), "as the proxy says: {upload}");
}
