//! Numbers written as numerals or English words, as the stages that count people read them.

fn small_number(w: &str) -> Option<u64> {
    const UNITS: [&str; 20] = [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
        "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
    ];
    const TENS: [&str; 8] = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];
    let lw = w.to_ascii_lowercase();
    if let Some(i) = UNITS.iter().position(|u| *u == lw) {
        return Some(i as u64);
    }
    if let Some(i) = TENS.iter().position(|t| *t == lw) {
        return Some(20 + 10 * i as u64);
    }
    if let Some((t, u)) = lw.split_once('-') {
        let t = TENS.iter().position(|x| *x == t)?;
        let u = UNITS.iter().position(|x| *x == u).filter(|u| (1..10).contains(u))?;
        return Some(20 + 10 * t as u64 + u as u64);
    }
    None
}

/// The value of one number word or numeral ("12", "1,200", "twelve", "twenty-five").
#[must_use]
pub fn number_value(w: &str) -> Option<u64> {
    if w.bytes().all(|b| b.is_ascii_digit() || b == b',') && w.bytes().next().is_some_and(|b| b.is_ascii_digit()) {
        let digits: String = w.chars().filter(char::is_ascii_digit).collect();
        return digits.parse().ok();
    }
    small_number(w)
}

#[cfg(test)]
mod tests {
    use super::number_value;

    #[test]
    fn numerals_and_words_read_alike() {
        assert_eq!(number_value("1,200"), Some(1200));
        assert_eq!(number_value("Twelve"), Some(12));
        assert_eq!(number_value("sixty"), Some(60));
        assert_eq!(number_value("twenty-five"), Some(25));
        assert_eq!(number_value("twenty-ten"), None);
        assert_eq!(number_value("dozens"), None, "vague quantities are the counting stage's choice");
    }
}
