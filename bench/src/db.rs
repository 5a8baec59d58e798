//! The benchmark databases: dropped and recreated on a PostgreSQL server through its admin
//! URL, so every run starts from empty tables.

use anyhow::{Context, Result};
use sqlx::{Connection, PgConnection};

/// Drops and recreates database `name` through `admin_url`; returns its URL.
pub async fn recreate(admin_url: &str, name: &str) -> Result<String> {
    let mut admin = PgConnection::connect(admin_url)
        .await
        .with_context(|| format!("connecting to {}", redact(admin_url)))?;
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")))
        .execute(&mut admin)
        .await
        .context("dropping the old bench database")?;
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut admin)
        .await
        .context("creating the bench database")?;
    admin.close().await.context("closing the admin connection")?;
    let mut url = reqwest::Url::parse(admin_url).context("the PostgreSQL admin URL is not a URL")?;
    url.set_path(&format!("/{name}"));
    Ok(url.to_string())
}

/// The version of the PostgreSQL server at `url`.
pub async fn server_version(url: &str) -> Result<String> {
    let mut db = PgConnection::connect(url).await.context("connecting to the bench database")?;
    sqlx::query_scalar("SHOW server_version")
        .fetch_one(&mut db)
        .await
        .context("reading the PostgreSQL version")
}

/// `url` without its password.
#[must_use]
pub fn redact(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => url.to_owned(),
    }
}
