pub mod extract;
pub mod gazetteer;
pub mod bench;
pub mod eval;
pub mod train;
