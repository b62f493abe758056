//! Chinese text analysis for petitions (see module docs).
