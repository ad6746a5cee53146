pub mod extract;
pub mod gazetteer;
