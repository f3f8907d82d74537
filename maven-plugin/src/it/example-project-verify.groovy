// Run after examples/maven-project builds (the example-project execution in ../../pom.xml; kept
// here so that the folder users copy has no test scaffolding). The build generated both models,
// and every test of the example ran and passed, the fit-save-load-predict ones included.
// Invoker sets basedir to this script's folder (maven-plugin/src/it) when the script lies outside
// the project, so the project is found from there.
basedir = new File(basedir, '../../target/it-examples/maven-project').canonicalFile
assert new File(basedir, 'build.log').isFile() : "no example project build at ${basedir}"
def main = new File(basedir, 'target/generated-sources/vmodel')
assert new File(main, 'org/example/Coin.java').isFile()
assert new File(main, 'org/example/models/GaussianMixture.java').isFile()

def expected = ['org.example.CoinTest': 5, 'org.example.GaussianMixtureTest': 2]
expected.each { name, count ->
  def report = new File(basedir, "target/surefire-reports/TEST-${name}.xml")
  assert report.isFile() : "${name} did not run"
  def suite = (report.text =~ /<testsuite [^>]*>/)[0]
  assert suite.contains(" tests=\"${count}\"") : "${name}: ${count} tests expected in ${suite}"
  ['failures', 'errors', 'skipped'].each { assert suite.contains(" ${it}=\"0\"") : "${name}: ${suite}" }
}
def mixture = new File(basedir, 'target/surefire-reports/TEST-org.example.GaussianMixtureTest.xml').text
assert mixture.contains('<testcase name="fitSaveLoadPredict') : 'the fit-save-load-predict test ran'
def coin = new File(basedir, 'target/surefire-reports/TEST-org.example.CoinTest.xml').text
assert coin.contains('<testcase name="savedLoadedAndAppliedToNewFlips')
assert coin.contains('<testcase name="updatingALoadedFitWithMoreFlipsIsFittingThemAll')
new File(basedir, 'target/example-project-verified').text = 'verify script ran\n'
return true
