// Three builds of one project (invoker.properties), all logged to build.log in order.
def log = new File(basedir, 'build.log').text

def generated = log.findAll(/\[INFO\] vmodel: .*/)
assert generated == [
    '[INFO] vmodel: generated 2 .vmodel files into target/generated-sources/vmodel (2 Java files changed, 0 up to date)',
    '[INFO] vmodel: nothing to regenerate, 2 .vmodel files up to date',
    '[INFO] vmodel: removed 1 stale generated file: target/generated-sources/vmodel/b/PoissonGamma.java',
    '[INFO] vmodel: nothing to regenerate, 1 .vmodel file up to date',
] : generated.join('\n')

// The second build left the generated sources untouched, so the compiler plugin saw no change.
assert log.contains('Nothing to compile - all classes are up to date')

def out = new File(basedir, 'target/generated-sources/vmodel')
assert new File(out, 'a/Coin.java').isFile()
assert !new File(out, 'b').exists() : 'the removed class leaves no empty package folder'
