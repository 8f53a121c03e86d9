"""Running the warehouse on Spark: a Java runtime without a system JDK, the local session."""
