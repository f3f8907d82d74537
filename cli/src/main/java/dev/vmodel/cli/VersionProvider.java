package dev.vmodel.cli;

import picocli.CommandLine;

/** Reads the version from the jar manifest (set by Maven), falling back to "development". */
final class VersionProvider implements CommandLine.IVersionProvider {
  @Override
  public String[] getVersion() {
    String v = VModelCli.class.getPackage().getImplementationVersion();
    return new String[] {"vmodel " + (v == null ? "development build" : v)};
  }
}
