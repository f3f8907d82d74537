// Each error is in the log once, as the compiler renders it (path:line:col, the source line, a
// caret, a hint), at error level and without a stack trace.
def log = new File(basedir, 'build.log').text
def sep = File.separator

def coin = "src${sep}main${sep}vmodel${sep}models${sep}coin.vmodel"
assert log =~ /(?m)^\[ERROR\] .*\Q${coin}\E:4:13: error\[E020\]: 'p' is declared real, but the support of Beta is unit$/
assert log.contains('   4 |   latent p: real ~ Beta(a, b);\n     |             ^^^^\n     = hint: declare it as `p: unit`')

def broken = "src${sep}main${sep}vmodel${sep}broken.vmodel"
assert log =~ /(?m)^\[ERROR\] .*\Q${broken}\E:2:9: error\[E001\]: expected ';' at the end of the declaration, found '}'$/

assert log.count('error[E') == 2 : 'one message per problem'
assert log.contains('vmodel: 2 errors in 2 of 3 .vmodel files (see the messages above)')
assert log.contains('BUILD FAILURE')
assert !(log =~ /(?m)^\s+at [a-z]/) : 'no stack trace'

// The good model was still generated; the broken ones were not.
def out = new File(basedir, 'target/generated-sources/vmodel')
assert new File(out, 'Good.java').isFile()
assert !new File(out, 'models').exists()
