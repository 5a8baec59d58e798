//! mcp-tasks
