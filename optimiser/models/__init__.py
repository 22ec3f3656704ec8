"""Model builders: build(instance) -> built model; extract(built) -> plan."""
