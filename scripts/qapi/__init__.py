# The QAPI schema compiler: parses qapi/*.json, checks it, and writes the C
# types, visitors, command marshallers, event emitters and introspection
# data into the build directory.
