package dev.vmodel.compiler.codegen;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.MethodSpec;
import dev.vmodel.compiler.check.Dim;
import dev.vmodel.compiler.plan.UpdatePlan.FactorUpdate;
import dev.vmodel.compiler.plan.UpdatePlan;
import java.util.Set;

/** A writer of one part of the model class: reads the shared, already decided {@link ModelContext}. */
abstract class WriterPart {
  static final String RT = ModelContext.RT;
  static final ClassName KMEANS = ModelContext.KMEANS;
  static final ClassName FIT_OPTIONS = ModelContext.FIT_OPTIONS;
  static final ClassName FIT_RESULT = ModelContext.FIT_RESULT;
  static final ClassName DATA_EXCEPTION = ModelContext.DATA_EXCEPTION;
  static final ClassName ELBO_DECREASED = ModelContext.ELBO_DECREASED;
  static final ClassName SPECIAL = ModelContext.SPECIAL;
  static final ClassName LIN_ALG = ModelContext.LIN_ALG;
  static final ClassName CHUNKS = ModelContext.CHUNKS;
  static final ClassName MATH = ModelContext.MATH;
  static final ClassName DOUBLE = ModelContext.DOUBLE;
  static final ClassName SYSTEM = ModelContext.SYSTEM;
  static final ClassName STRING = ModelContext.STRING;
  static final ClassName IAE = ModelContext.IAE;
  static final ClassName ISE = ModelContext.ISE;
  static final ClassName IOOBE = ModelContext.IOOBE;

  final ModelContext ctx;
  final UpdatePlan plan;
  final Layout layout;
  final PolyCode polys;
  final FamilyCode families;
  final ClassName model;
  final FusedUpdate fused;
  final DataSumFields dataSums;

  WriterPart(ModelContext ctx) {
    this.ctx = ctx;
    this.plan = ctx.plan;
    this.layout = ctx.layout;
    this.polys = ctx.polys;
    this.families = ctx.families;
    this.model = ctx.model;
    this.fused = ctx.fused;
    this.dataSums = ctx.dataSums;
  }

  ClassName builderName() {
    return ctx.builderName();
  }

  ClassName dataName() {
    return ctx.dataName();
  }

  ClassName stateName() {
    return ctx.stateName();
  }

  ClassName resultName() {
    return ctx.resultName();
  }

  ClassName sessionName() {
    return ctx.sessionName();
  }

  boolean isFused(FactorUpdate u) {
    return ctx.isFused(u);
  }

  boolean chunked(FactorUpdate u) {
    return ctx.chunked(u);
  }

  String chunkWorkspace(String eta) {
    return ctx.chunkWorkspace(eta);
  }

  String threadsField() {
    return ctx.threadsField;
  }

  boolean hasElboAfterSweep() {
    return ctx.hasElboAfterSweep();
  }

  String elboAfterSweep() {
    return ctx.elboAfterSweep();
  }

  String updateName(FactorUpdate u) {
    return ctx.updateName(u);
  }

  /** The sweep's call of a factor's update: from the previous posterior when the fit updates one ({@code prior}). */
  void updateCall(MethodSpec.Builder m, PriorWriter prior, FactorUpdate u) {
    if (prior != null) {
      prior.sweepCall(m, u);
    } else {
      m.addStatement("$N()", updateName(u));
    }
  }

  String localName(String wanted, Set<String> inScope) {
    return ctx.localName(wanted, inScope);
  }

  String width(String elements, Dim dim, int arity) {
    return ctx.width(elements, dim, arity);
  }

  static String escape(String s) {
    return ModelContext.escape(s);
  }
}
