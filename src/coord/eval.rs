//! The coordination evaluation (native only): synthetic threads from real tweets, the false-cluster rate on ordinary tweets, and what the detector finds in real IRA tweets by day.
