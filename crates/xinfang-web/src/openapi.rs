//! The OpenAPI 3.1 document served at `GET /api/openapi.json`, offline and
//! with no build-time downloads. A handler answering `Json<T>` has a typed
//! `T` and its operation is generated (`#[utoipa::path]`, `ToSchema`, the
//! error answers of `crate::api::responses`; gathered by
//! `crate::api::openapi`). Still written out by hand, here and in the
//! `openapi_paths()` of a few api files, is what that does not cover: the
//! Excel and file downloads, multipart uploads, the letter reader (its
//! answer depends on a build feature), and the operations whose answer is
//! built as a `Response` with a status of its own (online submission,
//! registration, case actions, evaluation, the review request, staff
//! sign-in, inbound work orders). The served document is both, merged;
//! `tests/it/openapi_snapshot.rs` guards it against drift.

use crate::error::ApiError;
use axum::Json;
use serde_json::{json, Value};

/// The served document. It answers a `serde_json::Value` on purpose: the
/// document *is* a JSON document, assembled from the generated part and the
/// hand-written rest, not a value of one Rust type.
pub async fn document() -> Result<Json<Value>, ApiError> {
    let mut doc = spec();
    merge_paths(&mut doc, crate::api::ledgers::openapi_paths());
    merge_paths(&mut doc, crate::api::stats::export_openapi_paths());
    merge_paths(&mut doc, crate::api::events::openapi_paths());
    merge_paths(&mut doc, crate::api::intake::openapi_paths());
    merge_generated(&mut doc, crate::api::openapi())?;
    Ok(Json(with_common_responses(doc)))
}

/// Add the operations and schemas generated from the handlers' types: a
/// generated operation joins the hand-written ones of its path (a path may
/// be half converted: `GET` generated, `PUT` still by hand), a generated
/// schema replaces a hand-written one of the same name.
fn merge_generated(doc: &mut Value, generated: utoipa::openapi::OpenApi) -> Result<(), ApiError> {
    let mut generated = crate::error::to_json(generated)?;
    path_parameters_required(&mut generated);
    if let (Some(paths), Some(more)) =
        (doc["paths"].as_object_mut(), generated["paths"].as_object())
    {
        for (path, operations) in more {
            let item = paths.entry(path.clone()).or_insert_with(|| json!({}));
            if let (Some(item), Some(operations)) = (item.as_object_mut(), operations.as_object()) {
                item.extend(operations.clone());
            }
        }
    }
    if let (Some(schemas), Some(more)) = (
        doc["components"]["schemas"].as_object_mut(),
        generated["components"]["schemas"].as_object(),
    ) {
        schemas.extend(more.clone());
    }
    Ok(())
}

/// A path parameter is always required (OpenAPI 3.1, Parameter Object);
/// utoipa leaves `required` out when the parameter's schema comes from a
/// function (`#[param(schema_with = …)]`, e.g. the notice keys).
fn path_parameters_required(doc: &mut Value) {
    let Some(paths) = doc["paths"].as_object_mut() else {
        return;
    };
    let operations = paths
        .values_mut()
        .filter_map(Value::as_object_mut)
        .flat_map(|item| item.values_mut());
    for operation in operations {
        if let Some(parameters) = operation
            .get_mut("parameters")
            .and_then(Value::as_array_mut)
        {
            for parameter in parameters.iter_mut().filter(|p| p["in"] == "path") {
                parameter["required"] = Value::Bool(true);
            }
        }
    }
}

/// Add the paths another file documents (e.g. `api::events::openapi_paths`).
pub fn merge_paths(doc: &mut Value, extra: Value) {
    if let (Some(paths), Value::Object(more)) = (doc["paths"].as_object_mut(), extra) {
        paths.extend(more);
    }
}

/// Every operation can answer 400 (a path or query parameter that does not
/// parse) with the common error shape; add it where a path did not say so.
pub fn with_common_responses(mut doc: Value) -> Value {
    if let Some(paths) = doc["paths"].as_object_mut() {
        for item in paths.values_mut() {
            if let Some(ops) = item.as_object_mut() {
                for op in ops.values_mut() {
                    if let Some(responses) = op["responses"].as_object_mut() {
                        responses.entry("400").or_insert_with(bad_request_response);
                    }
                }
            }
        }
    }
    doc
}

/// The 400 every operation can give, worded as `api::responses::BadRequest`.
fn bad_request_response() -> Value {
    json!({ "description": "请求格式错误", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Errors" } } } })
}

fn error_response() -> Value {
    json!({ "description": "错误", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Errors" } } } })
}

pub fn spec() -> Value {
    let mut doc = json!({
      "openapi": "3.1.0",
      "info": { "title": "xinfang 信访工作平台 API", "version": "1.0.0",
                "description": "信访人的查询码只放在请求正文（query_code）或 X-Query-Code 请求头中，不得出现在网址里：网址会被记入访问日志、浏览器历史和代理。网址中带 query_code 的请求一律以 400 拒绝，code 为 query_code_in_url。" },
      "paths": {
        "/api/v1/petitions": { "post": {
          "summary": "网上信访提交（无需登录）",
          "description": "幂等提交：请求头 Idempotency-Key（16–128 个字母、数字或 -_.: 字符，建议 UUID）与信访事项在同一事务中保存。未收到答复（超时、503）时用同一幂等键、同一内容重发：已登记的，返回 200 和第一次的信访编号与查询码（replayed 为 true），不会登记第二件；同一幂等键配不同内容返回 422（field 为 idempotency_key）。数据库主备切换期间返回 503、Retry-After 头和 code database_unavailable：本次未保存，请用同一幂等键重试。",
          "parameters": [ { "name": "Idempotency-Key", "in": "header", "required": false,
                            "schema": { "type": "string", "minLength": 16, "maxLength": 128, "pattern": "^[A-Za-z0-9._:-]+$" } } ],
          "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/OnlinePetition" } } } },
          "responses": { "201": { "description": "已登记", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Receipt" } } } },
                         "200": { "description": "同一幂等键的重发：第一次登记的答复（replayed 为 true）", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Receipt" } } } },
                         "503": { "description": "数据库正在切换，本次未保存；按 Retry-After 秒后用同一幂等键重试（code: database_unavailable, retryable: true）",
                                  "headers": { "Retry-After": { "schema": { "type": "integer" } } },
                                  "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Errors" } } } },
                         "400": error_response(), "422": error_response() } } },
        "/api/v1/petitions/{case_no}/evaluation": { "post": {
          "summary": "评价",
          "parameters": [ { "name": "case_no", "in": "path", "required": true, "schema": { "type": "string" } } ],
          "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object", "required": ["query_code", "satisfaction"], "properties": {
             "query_code": { "type": "string" }, "satisfaction": { "type": "string", "enum": ["satisfied", "basically_satisfied", "dissatisfied"] }, "reason": { "type": "string" } } } } } },
          "responses": { "200": { "description": "已评价" }, "400": error_response(), "404": error_response(), "409": error_response(), "422": error_response(), "429": error_response() } } },
        "/api/v1/petitions/{case_no}/review": { "post": {
          "summary": "请求复查或复核",
          "parameters": [ { "name": "case_no", "in": "path", "required": true, "schema": { "type": "string" } } ],
          "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object", "required": ["query_code"], "properties": { "query_code": { "type": "string" }, "reason": { "type": "string", "description": "对处理意见不服的理由（可选，不超过2000字）" } } } } } },
          "responses": { "200": { "description": "已受理复查/复核请求" }, "400": error_response(), "404": error_response(), "409": error_response(), "422": error_response(), "429": error_response() } } },
        "/api/v1/auth/login": { "post": { "summary": "工作人员登录，取得 API 令牌",
          "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object", "required": ["username", "password"], "properties": { "username": { "type": "string" }, "password": { "type": "string" }, "code": { "type": "string", "description": "已绑定动态验证码的用户：6位动态验证码或恢复码" } } } } } },
          "responses": { "200": { "description": "令牌" }, "400": error_response(), "401": error_response(), "422": error_response(), "429": error_response() } } },
        "/api/v1/cases": {
          "post": { "summary": "登记来信、来访、来电（同一信访人同一事项关联为重复件次：repeat_of、similarity；一信多投：multi_body）", "security": [ { "bearer": [] } ],
                    "parameters": [ { "name": "Idempotency-Key", "in": "header", "required": false, "description": "同网上信访：同一幂等键、同一内容的重发返回 200 和第一次的登记结果（replayed 为 true）",
                                      "schema": { "type": "string", "minLength": 16, "maxLength": 128, "pattern": "^[A-Za-z0-9._:-]+$" } } ],
                    "responses": { "201": { "description": "已登记" }, "200": { "description": "同一幂等键的重发：第一次的登记结果" }, "400": error_response(), "401": error_response(), "403": error_response(), "422": error_response(),
                                   "503": { "description": "数据库正在切换，本次未保存；用同一幂等键重试（code: database_unavailable）", "headers": { "Retry-After": { "schema": { "type": "integer" } } } } } } },
        "/api/v1/cases/{case_no}/actions": { "post": { "summary": "办理操作：转送、交办、签收、异议、告知、延期、答复、送达、回访……；重复件核对：confirm_repeat（确认为同一事项）、split_repeat（拆分为新件，响应含 new_case_no 和新件的查询码 query_code，仅此一次显示，须告知信访人）", "security": [ { "bearer": [] } ],
          "parameters": [ { "name": "case_no", "in": "path", "required": true, "schema": { "type": "string" } } ],
          "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object", "required": ["action"], "properties": { "action": { "type": "string" }, "submission": { "type": "integer", "minimum": 0, "description": "confirm_repeat / split_repeat：件次序号（case.submissions 的下标）" } } } } } },
          "responses": { "200": { "description": "已办理" }, "400": error_response(), "401": error_response(), "403": error_response(), "404": error_response(), "409": error_response(), "422": error_response() } } },
        "/api/v1/export/cases.xlsx": { "get": { "summary": "导出信访事项列表（Excel）", "security": [ { "bearer": [] } ],
          "responses": { "200": { "description": "xlsx", "content": { "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": { "schema": { "type": "string", "format": "binary" } } } }, "400": error_response(), "401": error_response(), "422": error_response() } } },
        "/api/v1/export/stats/overview.xlsx": { "get": { "summary": "导出统计概览（Excel）", "security": [ { "bearer": [] } ],
          "parameters": [ { "name": "from", "in": "query", "required": true, "schema": { "type": "string", "format": "date" } },
                          { "name": "to", "in": "query", "required": true, "schema": { "type": "string", "format": "date" } },
                          { "name": "unit", "in": "query", "schema": { "type": "integer" } } ],
          "responses": { "200": { "description": "xlsx", "content": { "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": { "schema": { "type": "string", "format": "binary" } } } }, "400": error_response(), "401": error_response(), "403": error_response(), "422": error_response() } } }
      },
      "components": {
        "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer" } },
        "schemas": {
          "Errors": { "type": "object", "required": ["errors"], "properties": { "code": { "type": "string" }, "errors": { "type": "array", "items": { "type": "object", "required": ["field", "message"], "properties": { "field": { "type": "string" }, "message": { "type": "string" } } } } } },
          "OnlinePetition": { "type": "object", "required": ["petitioners", "request", "region_code"], "properties": {
            "petitioners": { "type": "array", "minItems": 1, "items": { "type": "object", "required": ["name", "address"], "properties": {
               "name": { "type": "string" }, "id_number": { "type": "string" }, "phone": { "type": "string" }, "address": { "type": "string" }, "email": { "type": "string", "description": "电子邮箱（可选，用于通知）" } } } },
            "kind": { "type": "string", "enum": ["suggestion", "accusation", "claim"] },
            "request": { "type": "string" }, "facts": { "type": "string" }, "reasons": { "type": "string" },
            "region_code": { "type": "string" }, "accused": { "type": "string" } } },
          "Receipt": { "type": "object", "required": ["case_no", "status"], "properties": {
            "case_no": { "type": "string" }, "query_code": { "type": ["string", "null"] }, "status": { "type": "string" }, "notice_due": { "type": ["string", "null"] }, "replayed": { "type": "boolean", "description": "true：同一幂等键的重发，答复为第一次登记的结果" } } }
        }
      }
    });
    crate::api::documents::merge_openapi(&mut doc);
    doc
}
