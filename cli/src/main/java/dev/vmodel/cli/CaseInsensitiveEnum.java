package dev.vmodel.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;

/**
 * An option whose value names a constant of an enum, in any case ({@code --format JSON});
 * anything else is a usage error naming the choices ("'xml' is not a format; choose table or
 * json"). Picocli needs a converter class with a no-argument constructor: subclass this.
 */
abstract class CaseInsensitiveEnum<E extends Enum<E>> implements CommandLine.ITypeConverter<E> {
  private final Class<E> type;
  private final String what;

  CaseInsensitiveEnum(Class<E> type, String what) {
    this.type = type;
    this.what = what;
  }

  @Override
  public E convert(String value) {
    List<String> choices = new ArrayList<>();
    for (E e : type.getEnumConstants()) {
      if (e.name().equalsIgnoreCase(value)) {
        return e;
      }
      choices.add(e.name().toLowerCase(Locale.ROOT));
    }
    String last = choices.remove(choices.size() - 1);
    throw new CommandLine.TypeConversionException("'" + value + "' is not a " + what + "; choose "
        + (choices.isEmpty() ? last : String.join(", ", choices) + " or " + last));
  }
}
