pub mod extract;
pub mod gazetteer;
pub mod train;
