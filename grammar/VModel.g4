/*
 * The .vmodel language: one grammar, from which antlr4-maven-plugin generates the parser
 * at build time (the generated sources are never committed).
 *
 * The grammar is deliberately permissive where a semantic check can say more than a
 * parser could: type names, distribution names and function names are plain identifiers,
 * `latent` may omit its distribution, and calls accept named arguments everywhere. The
 * checker (dev.vmodel.compiler.check) turns each of those into a pointed diagnostic.
 */
grammar VModel;

compilationUnit
    : packageDecl? modelDecl* EOF
    ;

packageDecl
    : PACKAGE qualifiedName SEMI
    ;

qualifiedName
    : ID (DOT ID)*
    ;

modelDecl
    : MODEL name=ID LBRACE decl* RBRACE
    ;

decl
    : SIZE sizeItem (COMMA sizeItem)* SEMI                                   # sizeDecl
    | HYPER name=ID (COLON typeRef)? (ASSIGN expr)? SEMI                     # hyperDecl
    | DATA name=ID plate? COLON typeRef (TILDE call)? SEMI                   # dataDecl
    | LATENT name=ID plate? COLON typeRef (TILDE call)? SEMI                 # latentDecl
    | GROUP LPAREN ID (COMMA ID)* RPAREN SEMI                                # groupDecl
    ;

sizeItem
    : name=ID (ASSIGN expr)?
    ;

plate
    : LBRACK plateIndex (COMMA plateIndex)* RBRACK
    ;

plateIndex
    : index=ID IN size=ID
    ;

typeRef
    : name=ID (LBRACK expr (COMMA expr)* RBRACK)?
    ;

call
    : fn=ID LPAREN (arg (COMMA arg)*)? RPAREN
    ;

arg
    : (name=ID COLON)? expr
    ;

expr
    : expr LBRACK expr (COMMA expr)* RBRACK                                  # indexExpr
    | op=MINUS expr                                                          # negExpr
    | expr op=(STAR | SLASH) expr                                            # mulExpr
    | expr op=(PLUS | MINUS) expr                                            # addExpr
    | call                                                                   # callExpr
    | NUMBER                                                                 # numberExpr
    | ID                                                                     # nameExpr
    | LPAREN expr RPAREN                                                     # parenExpr
    ;

// Keywords. Type, distribution and function names are identifiers, resolved by the checker.
PACKAGE : 'package';
MODEL   : 'model';
SIZE    : 'size';
HYPER   : 'hyper';
DATA    : 'data';
LATENT  : 'latent';
GROUP   : 'group';
IN      : 'in';

LBRACE : '{';
RBRACE : '}';
LPAREN : '(';
RPAREN : ')';
LBRACK : '[';
RBRACK : ']';
SEMI   : ';';
COLON  : ':';
COMMA  : ',';
DOT    : '.';
ASSIGN : '=';
TILDE  : '~';
PLUS   : '+';
MINUS  : '-';
STAR   : '*';
SLASH  : '/';

NUMBER
    : DIGITS ('.' DIGITS?)? EXPONENT?
    | '.' DIGITS EXPONENT?
    ;

ID : [a-zA-Z_] [a-zA-Z_0-9]*;

fragment DIGITS   : [0-9]+;
fragment EXPONENT : [eE] [+-]? DIGITS;

LINE_COMMENT  : '//' ~[\r\n]* -> skip;
BLOCK_COMMENT : '/*' .*? '*/' -> skip;
WS            : [ \t\r\n\f]+ -> skip;

// Any stray character becomes a token of its own, so the parser's error reporting (not the
// lexer's console) tells the user about it. An unterminated block comment lexes as SLASH STAR,
// which the front end recognises and reports as such.
ERROR_CHAR : .;
