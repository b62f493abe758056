//! `GET /api/v1/units`: every unit of the org tree with whether it is
//! active, for clients that choose a body or a region.

use crate::auth::ApiUser;
use crate::AppState;
use axum::extract::State;
use axum::routing::get;
use axum::Json;
use serde_json::{json, Value};

pub fn routes() -> crate::routes::Routes {
    crate::routes::Routes::new().route("/api/v1/units", get(units))
}

async fn units(State(st): State<AppState>, ApiUser(_): ApiUser) -> Json<Value> {
    let org = st.app.org();
    let mut units: Vec<Value> = org
        .units()
        .map(|u| {
            let mut v = json!(u);
            v["active"] = json!(st.app.unit_active(u.id));
            v
        })
        .collect();
    units.sort_by_key(|u| u["id"].as_i64());
    Json(json!({ "units": units }))
}
