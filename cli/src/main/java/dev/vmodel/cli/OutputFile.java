package dev.vmodel.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Writes every file a command writes ({@code fit --out}, {@code explain -o}, {@code compile -o},
 * {@code fit --keep-sources}), so that no command can destroy a user's file:
 *
 * <ul>
 *   <li>an input of the same run (the model file, a data file) is never written, however it is
 *       named: the target is compared with each input by file identity (device and inode, after
 *       symbolic links), so {@code ./m.vmodel}, a symbolic or a hard link are recognised;
 *   <li>a new path or an existing regular file is written to a temporary file beside it and
 *       moved into place only when complete, so a failed write leaves the old file as it was and
 *       no temporary file behind. The new file gets the permissions the user's umask gives (a
 *       replaced file keeps its own);
 *   <li>a FIFO, a character device ({@code /dev/null}, a terminal) and the standard streams
 *       ({@code /dev/stdout}, {@code /dev/fd/N}) are opened and written in place, never replaced;
 *   <li>a directory, a block device or a socket is refused;
 *   <li>a write that fails (a full disk: {@code /dev/full}) is reported, never taken as success.
 * </ul>
 *
 * Failures are {@link Failure}s whose message is the text after {@code PATH: error: }.
 */
final class OutputFile {
  private OutputFile() {}

  /** Why a file was not written: the message completes {@code PATH: error: }. */
  static final class Failure extends Exception {
    private static final long serialVersionUID = 1L;

    Failure(String message) {
      super(message, null, false, false);
    }
  }

  /** A file the run reads, with its role for messages ("the model file"). */
  record Input(Path path, String role) {}

  /** How a target is written. */
  private enum Kind {
    /** Nothing there yet: a temporary file moved into place. */
    NEW,
    /** A regular file: a temporary file with its permissions, moved over it. */
    REPLACE,
    /** A FIFO, a character device or a standard stream: opened and written. */
    IN_PLACE
  }

  /** The standard streams by name: written in place even when they lead to a regular file. */
  private static final Pattern STREAM = Pattern.compile("/dev/(stdout|stderr|fd/\\d+)|/proc/(self|\\d+)/fd/\\d+");

  private static final int S_IFMT = 0170000;
  private static final int S_IFIFO = 0010000;
  private static final int S_IFCHR = 0020000;
  private static final int S_IFBLK = 0060000;
  private static final int S_IFSOCK = 0140000;

  /**
   * Checks, before any work, that {@code target} may be written: not an input, not a
   * directory, not a block device or socket, in a directory that exists. {@code what} ends the
   * message for a directory ("give a file name to write the posterior to").
   */
  static void check(Path target, List<Input> inputs, String what) throws Failure {
    kind(target, inputs, what);
  }

  /** Writes {@code text} as UTF-8 to {@code target}, as the class comment says. */
  static void write(Path target, String text, List<Input> inputs, String what) throws Failure {
    write(target, text.getBytes(java.nio.charset.StandardCharsets.UTF_8), inputs, what);
  }

  /** Writes {@code bytes} to {@code target}, as the class comment says. */
  static void write(Path target, byte[] bytes, List<Input> inputs, String what) throws Failure {
    write(target, o -> o.write(bytes), inputs, what);
  }

  /** What a {@link #write(Path, Body, List, String)} writes: to the stream it is given, in full. */
  interface Body {
    void writeTo(OutputStream out) throws IOException;
  }

  /**
   * Writes what {@code body} writes to {@code target}, as the class comment says, streamed: the
   * content is never held whole in memory (a posterior with every row's local factors can be
   * larger than the heap as text).
   */
  static void write(Path target, Body body, List<Input> inputs, String what) throws Failure {
    Kind kind = kind(target, inputs, what);
    java.io.FileDescriptor own = ownStream(target);
    if (own != null) {
      // This process's stdout or stderr: written through its own descriptor, so that what it
      // writes and what the process prints share one file offset, in order.
      (own == java.io.FileDescriptor.out ? System.out : System.err).flush();
      try {
        @SuppressWarnings("resource") // closing it would close the process's stdout
        java.io.FileOutputStream o = new java.io.FileOutputStream(own);
        java.io.BufferedOutputStream b = new java.io.BufferedOutputStream(o, 1 << 16);
        body.writeTo(b);
        b.flush();
      } catch (IOException e) {
        throw failure(target, e);
      }
      return;
    }
    if (kind == Kind.IN_PLACE) {
      // APPEND: /dev/stdout redirected to a file must not overwrite what stdout already holds.
      try (OutputStream o = new java.io.BufferedOutputStream(Files.newOutputStream(target, StandardOpenOption.WRITE,
          StandardOpenOption.APPEND), 1 << 16)) {
        body.writeTo(o);
        o.flush();
      } catch (IOException e) {
        throw failure(target, e);
      }
      return;
    }
    Path real;
    try {
      real = kind == Kind.REPLACE ? target.toRealPath()
          : parentOf(target).toRealPath().resolve(target.getFileName().toString());
    } catch (IOException e) {
      throw failure(target, e);
    }
    Path tmp = null;
    try {
      tmp = createTemp(real.getParent());
      if (kind == Kind.REPLACE) {
        copyPermissions(real, tmp);
      }
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        OutputStream o = new java.io.BufferedOutputStream(java.nio.channels.Channels.newOutputStream(ch), 1 << 16);
        body.writeTo(o);
        o.flush();
        ch.force(true);
      }
      Files.move(tmp, real, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      tmp = null;
    } catch (IOException e) {
      throw failure(target, e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // nothing more can be done; the error above is what the user needs
        }
      }
    }
  }

  private static Kind kind(Path target, List<Input> inputs, String what) throws Failure {
    BasicFileAttributes attrs;
    try {
      attrs = Files.readAttributes(target, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      Path parent = parentOf(target);
      if (!Files.isDirectory(parent)) {
        throw new Failure("no such directory: " + parent);
      }
      return Kind.NEW;
    } catch (IOException e) {
      throw failure(target, e);
    }
    for (Input in : inputs) {
      boolean same;
      try {
        same = Files.isSameFile(target, in.path());
      } catch (IOException e) {
        same = false; // an input that cannot be looked at now is not this file
      }
      if (same) {
        throw new Failure("is " + in.role() + " of this run (" + in.path()
            + "); writing to it would destroy it, so choose another file");
      }
    }
    if (attrs.isDirectory()) {
      throw new Failure("is a directory; " + what);
    }
    if (attrs.isRegularFile()) {
      return STREAM.matcher(target.toAbsolutePath().normalize().toString()).matches() ? Kind.IN_PLACE : Kind.REPLACE;
    }
    int type = typeBits(target);
    if (type == S_IFBLK) {
      throw new Failure("is a block device; vmodel writes only regular files, FIFOs and character devices");
    }
    if (type == S_IFSOCK) {
      throw new Failure("is a socket; vmodel writes only regular files, FIFOs and character devices");
    }
    if (type == S_IFIFO || type == S_IFCHR || attrs.isOther()) {
      return Kind.IN_PLACE;
    }
    throw new Failure("is not a regular file; choose a file name");
  }

  /** {@code FileDescriptor.out} or {@code .err} if the target names this process's stdout or stderr, else null. */
  private static java.io.FileDescriptor ownStream(Path target) {
    String p = target.toAbsolutePath().normalize().toString();
    if (p.equals("/dev/stdout") || p.equals("/dev/fd/1") || p.equals("/proc/self/fd/1")) {
      return java.io.FileDescriptor.out;
    }
    if (p.equals("/dev/stderr") || p.equals("/dev/fd/2") || p.equals("/proc/self/fd/2")) {
      return java.io.FileDescriptor.err;
    }
    return null;
  }

  /** The file type bits of {@code st_mode}, or 0 where the file system does not give them. */
  private static int typeBits(Path p) {
    try {
      return ((Integer) Files.getAttribute(p, "unix:mode")) & S_IFMT;
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
      return 0;
    }
  }

  /** A new empty file {@code .vmodel-<random>.tmp} in {@code dir}, with the permissions the umask gives. */
  private static Path createTemp(Path dir) throws IOException {
    SecureRandom random = new SecureRandom();
    byte[] id = new byte[8];
    for (int attempt = 0; ; attempt++) {
      random.nextBytes(id);
      Path tmp = dir.resolve(".vmodel-" + HexFormat.of().formatHex(id) + ".tmp");
      try {
        FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
        return tmp;
      } catch (java.nio.file.FileAlreadyExistsException e) {
        if (attempt >= 10) {
          throw e;
        }
      }
    }
  }

  private static void copyPermissions(Path from, Path to) throws IOException {
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(from);
      Files.setPosixFilePermissions(to, perms);
    } catch (UnsupportedOperationException notPosix) {
      // not a POSIX file system: the new file keeps the default permissions
    }
  }

  static Path parentOf(Path file) {
    Path parent = file.toAbsolutePath().getParent();
    return parent == null ? file.toAbsolutePath() : parent;
  }

  /** The message for an I/O failure on {@code target}, in the words of the CLI. */
  private static Failure failure(Path target, IOException e) {
    if (e instanceof AccessDeniedException) {
      return new Failure("permission denied");
    }
    if (e instanceof NoSuchFileException) {
      return new Failure("no such directory: " + parentOf(target));
    }
    String reason = e instanceof FileSystemException f && f.getReason() != null ? f.getReason() : e.getMessage();
    return new Failure("cannot write: " + (reason == null ? e.getClass().getSimpleName() : reason));
  }
}
