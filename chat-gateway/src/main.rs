fn main() {
    eprintln!("chat-gateway: not built yet");
    std::process::exit(2)
}
