//! The error answers of the OpenAPI document, each described once: a
//! handler's `#[utoipa::path(responses(...))]` names the ones it can give
//! (`responses((status = 200, body = X), Unauthorized, Forbidden)`) instead
//! of repeating `(status = 401, description = …, body = Errors)`. Every one
//! has the common error body [`Errors`] (`crate::error::ApiError` writes
//! it); an operation whose error needs more words (a specific `code`) still
//! writes its own `(status = …)` line. These types only describe
//! answers and are never built (the answer is an `ApiError`), hence
//! `dead_code` is allowed here.
#![allow(dead_code)]

use crate::error::Errors;
use utoipa::IntoResponses;

/// 400: a path, query or body that does not parse.
#[derive(IntoResponses)]
#[response(status = 400, description = "请求格式错误")]
pub struct BadRequest(Errors);

/// 401: no token, or one that is unknown or expired.
#[derive(IntoResponses)]
#[response(status = 401, description = "未登录或令牌无效")]
pub struct Unauthorized(Errors);

/// 403: signed in, but not in a role or unit that may do this.
#[derive(IntoResponses)]
#[response(status = 403, description = "无权办理")]
pub struct Forbidden(Errors);

/// 404: nothing there, or nothing the caller may see (answered alike).
#[derive(IntoResponses)]
#[response(status = 404, description = "不存在或不在本人数据范围内")]
pub struct NotFound(Errors);

/// 409: changed by someone else meanwhile, or not allowed in its state.
#[derive(IntoResponses)]
#[response(
    status = 409,
    description = "与当前状态冲突（已被他人更新或当前状态不允许）"
)]
pub struct Conflict(Errors);

/// 422: input that parses but is wrong; `errors` names every field at fault.
#[derive(IntoResponses)]
#[response(status = 422, description = "输入有误")]
pub struct Invalid(Errors);

/// 429: too many attempts from this client.
#[derive(IntoResponses)]
#[response(status = 429, description = "尝试次数过多，请稍后再试")]
pub struct TooMany(Errors);
