//! The route table: a thin wrapper over axum's `Router` that remembers every
//! path it registers. axum cannot list its routes, and a test must be able to
//! walk *all* of them (第三十条: no path may tell the accused body of an
//! accusation), so every module builds its routes through [`Routes`] and
//! [`crate::route_paths`] returns exactly what the router serves.

use crate::AppState;
use axum::routing::MethodRouter;
use axum::Router;

/// A router that records the paths registered on it.
pub struct Routes {
    router: Router<AppState>,
    paths: Vec<String>,
}

impl Default for Routes {
    fn default() -> Self {
        Self::new()
    }
}

impl Routes {
    pub fn new() -> Self {
        Routes {
            router: Router::new(),
            paths: vec![],
        }
    }

    /// `Router::route`, recording `path`.
    pub fn route(mut self, path: &str, method: MethodRouter<AppState>) -> Self {
        self.router = self.router.route(path, method);
        self.paths.push(path.to_string());
        self
    }

    /// `Router::merge`, keeping the other table's paths.
    pub fn merge(mut self, other: Routes) -> Self {
        self.router = self.router.merge(other.router);
        self.paths.extend(other.paths);
        self
    }

    /// The router and every path registered on it.
    pub fn into_parts(self) -> (Router<AppState>, Vec<String>) {
        (self.router, self.paths)
    }
}
