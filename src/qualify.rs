//! The qualified relay (docs/design.md): a candidate who arrived through a company's link, confirmed
//! their address, gave hand-off consent and completed the profile counts once for that company,
//! and only for the first company that relayed the person within the attribution window. Every
//! tenth qualified relay earns the company a credit.

use crate::{
    credit, db,
    email::Email,
    error::Result,
    person, settings,
    time::{now, DAY},
};
use sqlx::Row;

/// Recomputes whether the candidate is in the pool (confirmed, consenting under the notice's
/// last material change, profile complete, active, looking for a job, not placed) and, the first time they qualify,
/// counts the relay for their company and awards any credit it completes.
pub async fn refresh(conn: &mut sqlx::AnyConnection, candidate_id: i64) -> Result<()> {
    let row = sqlx::query(
        "SELECT company_id, email, phone, email_confirmed_at, handoff_consent, profile_completed_at, qualified_at, status, search_status FROM candidates WHERE id = $1",
    )
    .bind(candidate_id)
    .fetch_one(&mut *conn)
    .await?;
    let eligible = row
        .try_get::<Option<i64>, _>("email_confirmed_at")?
        .is_some()
        && row.try_get::<i64, _>("handoff_consent")? == 1
        && row
            .try_get::<Option<i64>, _>("profile_completed_at")?
            .is_some()
        && row.try_get::<String, _>("status")? == "active"
        && row.try_get::<String, _>("search_status")? == "looking"
        && !placed(&mut *conn, candidate_id).await?
        && crate::consent::covers_material(&mut *conn, candidate_id).await?;
    let t = now();
    sqlx::query("UPDATE candidates SET in_pool = $1 WHERE id = $2")
        .bind(eligible as i64)
        .bind(candidate_id)
        .execute(&mut *conn)
        .await?;
    if !eligible || row.try_get::<Option<i64>, _>("qualified_at")?.is_some() {
        return Ok(());
    }
    sqlx::query("UPDATE candidates SET qualified_at = $1 WHERE id = $2")
        .bind(t)
        .bind(candidate_id)
        .execute(&mut *conn)
        .await?;
    let company_id: i64 = row.try_get("company_id")?;
    let email: Option<String> = row.try_get("email")?;
    let phone: Option<String> = row.try_get("phone")?;
    // Keyed hashes of the canonical address and phone: they outlive erasure, so without the
    // secret key they must not lead back to the person.
    let pepper = person::pepper(conn).await?;
    let email = email.and_then(|e| Email::parse(&e).ok());
    let person_key = person::email_key_of(&pepper, email.as_ref());
    let phone_key = phone.and_then(|p| person::phone_key(&pepper, &p));
    let mut persons: Vec<&String> = std::iter::once(&person_key).chain(&phone_key).collect();
    persons.sort();
    for key in persons {
        db::lock_person(conn, key).await?;
    }
    db::lock_company(conn, company_id).await?;
    let s = settings::load(&mut *conn).await?;
    // The first company that relayed this person within the window keeps the relay.
    let earlier: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM relays WHERE qualified_at > $1 AND (person_key = $2 OR phone_key = $3) LIMIT 1",
    )
    .bind(t - s.attribution_days * DAY)
    .bind(&person_key)
    .bind(phone_key.clone().unwrap_or_else(|| person_key.clone()))
    .fetch_optional(&mut *conn)
    .await?;
    if earlier.is_some() {
        return Ok(());
    }
    let inserted = sqlx::query(
        "INSERT INTO relays (company_id, candidate_id, person_key, phone_key, qualified_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5, $5)
         ON CONFLICT (company_id, person_key) DO NOTHING",
    )
    .bind(company_id)
    .bind(candidate_id)
    .bind(&person_key)
    .bind(phone_key)
    .bind(t)
    .execute(&mut *conn)
    .await?;
    if inserted.rows_affected() == 1 {
        sqlx::query("UPDATE companies SET qualified = qualified + 1 WHERE id = $1")
            .bind(company_id)
            .execute(&mut *conn)
            .await?;
    }
    credit::award_relay_credits(conn, company_id, s.relays_per_credit).await
}

/// Whether the candidate was placed (a placement that was not withdrawn): they are hired and
/// leave the pool for good.
async fn placed(conn: &mut sqlx::AnyConnection, candidate_id: i64) -> Result<bool> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM placements WHERE candidate_id = $1 AND status <> 'rejected' LIMIT 1",
    )
    .bind(candidate_id)
    .fetch_optional(conn)
    .await?;
    Ok(found.is_some())
}
