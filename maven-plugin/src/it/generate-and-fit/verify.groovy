// The first build generated every model where it belongs and the fitting tests passed.
def main = new File(basedir, 'target/generated-sources/vmodel')
def test = new File(basedir, 'target/generated-test-sources/vmodel')
assert new File(main, 'coin/Coin.java').isFile()
assert new File(main, 'org/example/counts/PoissonGamma.java').isFile()
assert !new File(main, 'counts').exists() : 'a package header wins over the folder'
assert new File(test, 'normal/NormalGamma.java').isFile()
assert !new File(main, 'normal').exists() : 'test models stay out of the main sources'

assert new File(basedir, 'target/classes/coin/Coin.class').isFile()
assert new File(basedir, 'target/test-classes/normal/NormalGamma.class').isFile()
assert !new File(basedir, 'target/classes/normal').exists()

def log = new File(basedir, 'build.log').text
assert log.contains('[INFO] vmodel: generated 2 .vmodel files into target/generated-sources/vmodel (2 Java files changed, 0 up to date)')
assert log.contains('[INFO] vmodel: generated 1 .vmodel file into target/generated-test-sources/vmodel (1 Java file changed, 0 up to date)')
assert log.contains('Tests run: 3, Failures: 0, Errors: 0, Skipped: 0')
