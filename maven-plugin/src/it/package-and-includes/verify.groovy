def out = new File(basedir, 'target/generated-sources/vmodel')
def java = []
out.eachFileRecurse(groovy.io.FileType.FILES) { java << out.toPath().relativize(it.toPath()).toString().replace(File.separator, '/') }
assert java.sort() == [
    'org/example/models/Coin.java',          // coin.vmodel: no header, packageName
    'org/example/models/PoissonGamma.java',  // keep/deep/poisson.vmodel: packageName, not the folder
    'org/example/own/Waiting.java',          // keep/waiting.vmodel: its header wins
] : java

def coin = new File(out, 'org/example/models/Coin.java').text
assert coin.contains('package org.example.models;')
assert new File(basedir, 'target/classes/org/example/models/Coin.class').isFile()

def log = new File(basedir, 'build.log').text
assert log.contains('[INFO] vmodel: generated 3 .vmodel files into target/generated-sources/vmodel (3 Java files changed, 0 up to date)')
assert !log.contains('error[E')
