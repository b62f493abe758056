//! One error type for services, mapped by the web layer to HTTP statuses and
//! by the CLI to exit codes. Input errors list every bad field.

use serde::Serialize;
use xinfang_domain::DomainError;
use xinfang_store::StoreError;

/// A field-level input error (machine-readable `field`, Chinese `message`).
#[derive(Clone, Debug, Serialize, PartialEq, utoipa::ToSchema)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("输入有误")]
    Invalid(Vec<FieldError>),
    #[error("请求格式错误：{0}")]
    BadRequest(String),
    #[error(transparent)]
    Domain(#[from] DomainError),
    #[error("未找到")]
    NotFound,
    #[error("未登录或登录已过期")]
    Unauthenticated,
    #[error("无权访问")]
    Forbidden,
    #[error("尝试次数过多，请稍后再试")]
    TooManyAttempts,
    /// Staff sign-in locked for this client and user name (`lockout`), minutes left.
    #[error("账户已临时锁定，请 {0} 分钟后再试")]
    LockedOut(u32),
    /// The LDAP directory could not be asked; the reason goes to the log only.
    #[error("目录服务暂不可用，请稍后再试或联系系统管理员")]
    DirectoryUnavailable(String),
    #[error("该信访事项已被他人更新，请刷新后重试")]
    Conflict,
    #[error("存储错误：{0}")]
    Store(StoreError),
    /// An upload the letter reader refuses (issue #22): a stable code for
    /// API clients and the reason in Chinese. `input_fault` is false when the
    /// engine itself failed (503), true for the file's own fault (422).
    #[error("{message}")]
    Unreadable {
        code: &'static str,
        message: String,
        input_fault: bool,
    },
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict => AppError::Conflict,
            StoreError::NotFound => AppError::NotFound,
            other => AppError::Store(other),
        }
    }
}

impl AppError {
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        AppError::Invalid(vec![FieldError {
            field: field.into(),
            message: message.into(),
        }])
    }
}
